package dev.dna.api.degrade;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Locale;

/**
 * Degradations from a short text, for command lines: one or more terms joined by {@code +}, applied left to right.
 *
 * <ul>
 *   <li>{@code awgn:LO-HI} (or {@code awgn:S}): additive white Gaussian noise, sigma per image uniform in [LO, HI]/255;
 *   <li>{@code jpeg:LO-HI} (or {@code jpeg:Q}): JPEG at a quality drawn from [LO, HI];
 *   <li>{@code camera}: {@link CameraNoise#typical()} (shot and read noise on a Bayer mosaic, demosaicing, JPEG);
 *   <li>{@code motion:LO-HI}, {@code defocus:LO-HI}, {@code gaussian-blur:LO-HI}: {@link Blur}'s kernels (length,
 *       radius or sigma in pixels).
 * </ul>
 *
 * <p>Example: {@code awgn:0-50}, {@code motion:3-11+awgn:2-6+jpeg:75-95}.
 */
public final class Degradations {
    /** The terms {@link #parse} knows, for messages. */
    public static final String SYNTAX = "awgn:LO-HI, jpeg:LO-HI, camera, motion:LO-HI, defocus:LO-HI, gaussian-blur:LO-HI, joined by +";

    private Degradations() {}

    /**
     * Parses {@code spec}.
     *
     * @param spec terms of {@link #SYNTAX}, e.g. {@code camera+jpeg:70-90}
     * @return the degradation
     * @throws IllegalArgumentException naming the term that is not understood, or a range out of bounds
     */
    public static Degradation parse(String spec) {
        checkArgument(spec != null && !spec.isBlank(), "empty degradation; expected %s", SYNTAX);
        Degradation out = null;
        for (String term : spec.split("\\+", -1)) {
            Degradation d = term(term.trim().toLowerCase(Locale.ROOT), spec);
            out = out == null ? d : out.then(d);
        }
        return out;
    }

    private static Degradation term(String t, String spec) {
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        String arg = colon < 0 ? null : t.substring(colon + 1);
        switch (name) {
            case "camera":
                checkArgument(arg == null, "degradation term '%s' in '%s' takes no range", t, spec);
                return CameraNoise.typical();
            case "awgn", "jpeg", "motion", "defocus", "gaussian-blur": {
                checkArgument(arg != null, "degradation term '%s' in '%s' needs a range, e.g. %s:0-50", t, spec, name);
                double[] r = range(arg, t, spec);
                return switch (name) {
                    case "awgn" -> Awgn.sigma255(r[0], r[1]);
                    case "jpeg" -> {
                        checkArgument(r[0] == Math.rint(r[0]) && r[1] == Math.rint(r[1]), "JPEG qualities are whole numbers: '%s'", t);
                        yield new Jpeg((int) r[0], (int) r[1]);
                    }
                    case "motion" -> Blur.motion(r[0], r[1]);
                    case "defocus" -> Blur.defocus(r[0], r[1]);
                    default -> Blur.gaussian(r[0], r[1]);
                };
            }
            default:
                throw new IllegalArgumentException("unknown degradation term '" + t + "' in '" + spec + "'; expected " + SYNTAX);
        }
    }

    private static double[] range(String arg, String t, String spec) {
        String[] lh = arg.split("-", 2);
        try {
            double lo = Double.parseDouble(lh[0].trim());
            double hi = lh.length == 2 ? Double.parseDouble(lh[1].trim()) : lo;
            checkArgument(lo <= hi, "degradation term '%s' in '%s': LO %s is above HI %s", t, spec, lo, hi);
            return new double[] {lo, hi};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("degradation term '" + t + "' in '" + spec + "': '" + arg + "' is not LO-HI", e);
        }
    }
}
