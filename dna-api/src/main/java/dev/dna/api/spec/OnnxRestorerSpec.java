package dev.dna.api.spec;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.errorprone.annotations.CheckReturnValue;
import java.util.List;

/**
 * A restorer imported from an ONNX file (from {@link dev.dna.api.Restorers#fromOnnx}): the engine rebuilds the
 * file's graph as trainable ops, its initializers as the starting weights. The file is named, not embedded: the
 * plan records its path and SHA-256, and building the plan again refuses a file that is missing or changed.
 *
 * <p>Values: the graph is given the plan's value range and maps it to {@link #valueRange()} (the model's)
 * on the way in, and the output back; {@link #predicts()} says what the output is, so that the method sees the
 * residual {@code R = y - x} whatever the network's form.
 *
 * @param file the ONNX file, absolute
 * @param sha256 hex SHA-256 of the file's bytes
 * @param inputName the model's input, [N, 3, H, W] float
 * @param outputName the model's output, same shape
 * @param inputShape the input's dimensions as the file declares them, -1 for a symbolic one
 * @param downsamplingFactor what H and W must be multiples of (the product of the strides on the deepest path)
 * @param predicts what the output is
 * @param valueRange the value range the model was trained in
 */
@CheckReturnValue
public record OnnxRestorerSpec(String file, String sha256, String inputName, String outputName, List<Long> inputShape,
        int downsamplingFactor, Prediction predicts, ValueRange valueRange) implements RestorerSpec {

    /** Checks the components (an exception names any missing or out of range) and copies the lists. */
    public OnnxRestorerSpec {
        checkNotNull(file, "restorer.file");
        checkArgument(sha256 != null && sha256.matches("[0-9a-f]{64}"), "restorer.sha256 must be 64 hex digits, got %s", sha256);
        checkNotNull(inputName, "restorer.inputName");
        checkNotNull(outputName, "restorer.outputName");
        inputShape = ImmutableList.copyOf(inputShape);
        checkArgument(inputShape.size() == 4, "restorer.inputShape must be [N, 3, H, W], got %s", inputShape);
        checkArgument(downsamplingFactor >= 1 && downsamplingFactor <= 256,
                "restorer.downsamplingFactor must be in [1, 256], got %s", downsamplingFactor);
        checkNotNull(predicts, "restorer.predicts");
        checkNotNull(valueRange, "restorer.valueRange");
    }

    /**
     * The same model read as outputting {@code predicts}.
     *
     * @param predicts the restored image, the residual or the noise
     * @return the copy
     */
    public OnnxRestorerSpec withPredicts(Prediction predicts) {
        return new OnnxRestorerSpec(file, sha256, inputName, outputName, inputShape, downsamplingFactor, predicts, valueRange);
    }

    /**
     * The same model read as trained in {@code range} ([0, 1], [-1, 1] or 0-255).
     *
     * @param range the range the model was trained in
     * @return the copy
     */
    public OnnxRestorerSpec withValueRange(ValueRange range) {
        return new OnnxRestorerSpec(file, sha256, inputName, outputName, inputShape, downsamplingFactor, predicts, range);
    }

    /** {@return the fixed H (or -1): a model exported with fixed sizes only takes patches and tiles of that size} */
    public long fixedHeight() {
        return inputShape.get(2);
    }

    /** {@return the fixed W, or -1} */
    public long fixedWidth() {
        return inputShape.get(3);
    }

    /** Whether {@code y = x + G(x)}: the engine turns a noise output into a residual ({@code G = -out}). */
    @Override
    public boolean residual() {
        return predicts != Prediction.RESTORED;
    }

    @Override
    public String describe() {
        String name = file.substring(file.lastIndexOf('/') + 1);
        return "onnx(" + name + ", sha256 " + sha256.substring(0, 12) + ", predicts " + predicts + ", " + valueRange + ")";
    }
}
