package dev.dna.onnx;

/** The graph has an op, or an op setting, that the exporter cannot convert; no file was written. */
public final class UnsupportedOpException extends IllegalArgumentException {
    /** The SameDiff op name. */
    private final String opName;

    UnsupportedOpException(String opName, String where, String why) {
        super("cannot export op '" + opName + "' (" + where + ") to ONNX: " + why);
        this.opName = opName;
    }

    /** {@return the SameDiff op name, e.g. {@code "cumsum"}} */
    public String opName() {
        return opName;
    }
}
