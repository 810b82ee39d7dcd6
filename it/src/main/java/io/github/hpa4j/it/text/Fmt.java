package io.github.hpa4j.it.text;

import java.util.Locale;

/**
 * The one set of number formats for what {@code it} prints: the benchmark report, the workload
 * runner's report, its progress lines and its chart. Rates with k/M, times in µs or ms, bytes in
 * binary units, ratios to 3 significant digits.
 */
public final class Fmt {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Fmt() {}

    public static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    public static String nanos(double nanos) {
        if (nanos >= 1e6) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        if (nanos >= 1e4) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
    }

    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", inMib(bytes));
    }

    /** Bytes as a number of MiB, for a chart's axis. */
    public static double inMib(long bytes) {
        return bytes / (double) MIB;
    }

    /** "256.0 MiB", "48.0 KiB", "512 B", "1.50 GiB": the unit that keeps the number short. */
    public static String bytes(long bytes) {
        long abs = Math.abs(bytes);
        if (abs >= GIB) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
        }
        if (abs >= MIB) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        if (abs >= KIB) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
        }
        return bytes + " B";
    }

    /** "98 %": whole percent. */
    public static String percent(double fraction) {
        return percent(fraction, 0);
    }

    /** "12.5 %" with {@code decimals} = 1. */
    public static String percent(double fraction, int decimals) {
        // "-0 %" would read as a measured loss; a rounding of nothing is "0 %".
        double half = 0.5 * Math.pow(10, -decimals) / 100;
        return String.format(Locale.ROOT, "%." + decimals + "f %%", Math.abs(fraction) < half ? 0.0 : fraction * 100);
    }

    /** A ratio to 3 significant digits, or "–" when there is nothing to compare with. */
    public static String ratio(double ratio) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "–";
        }
        if (ratio >= 100) {
            return String.format(Locale.ROOT, "%.0f×", ratio);
        }
        if (ratio >= 10) {
            return String.format(Locale.ROOT, "%.1f×", ratio);
        }
        if (ratio >= 1) {
            return String.format(Locale.ROOT, "%.2f×", ratio);
        }
        return String.format(Locale.ROOT, "%.3g×", ratio);
    }

    public static String size(int bytes) {
        if (bytes == 0) {
            return "–";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes / 1024) + " KiB";
    }
}
