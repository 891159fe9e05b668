package occam.analysis.engine;

/**
 * One row of {@code coarse_models}: the complete message of a best coarse model under one codec, whose length is
 * the {@code compressed_bytes} its {@code complexity} row reports; the codec's decoder rebuilds the model from it.
 */
public record StoredModel(
        int schemaVersion,
        String settingsHash,
        String runId,
        int step,
        double epsilon,
        String codec,
        long compressedBytes,
        double lossNats,
        byte[] message) {}
