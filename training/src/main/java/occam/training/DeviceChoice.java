package occam.training;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Where to train: {@code auto} takes the first GPU when the engine sees one, else the CPU. */
public enum DeviceChoice {
    AUTO,
    CPU,
    GPU;

    /** The device for this choice; {@code gpu} fails when the engine sees no GPU. */
    public Device resolve(Engine engine) {
        int gpus = engine.getGpuCount();
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException("--device gpu: the " + engine.getEngineName()
                            + " engine sees no GPU (a CUDA build of its native library is needed; see training/README.md)");
                }
                yield Device.gpu(0);
            }
        };
    }
}
