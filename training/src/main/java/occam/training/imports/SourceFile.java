package occam.training.imports;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A checkpoint file to import, its format and the step (epoch) it holds. */
public record SourceFile(Path path, CheckpointFormat format, int step) {

    /**
     * The default way to find the step in a file name: the last run of digits in it ({@code epoch_0042.pt},
     * {@code step-42.safetensors} and {@code params_42.npz} all hold step 42).
     */
    public static final String DEFAULT_STEP_PATTERN = "(\\d+)\\D*$";

    /** The step from the file's name: the first group of {@code stepPattern}, found anywhere in the name. */
    public static int stepFromName(Path file, Pattern stepPattern) {
        String name = file.getFileName().toString();
        Matcher m = stepPattern.matcher(name);
        if (!m.find() || m.groupCount() < 1 || m.group(1) == null) {
            throw new ImportException(file + ": the step pattern '" + stepPattern + "' finds no step in the name '" + name
                    + "' (rename the file, pass --step-pattern, or --step for a single file)");
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new ImportException(file + ": '" + m.group(1) + "' from the name is not a step number", e);
        }
    }
}
