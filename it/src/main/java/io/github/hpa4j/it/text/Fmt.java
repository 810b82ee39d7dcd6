package io.github.hpa4j.it.bench;

import java.util.Locale;

/** Number formats of the report: rates with k/M, times in µs or ms, bytes in MiB, ratios with 3 digits. */
final class Fmt {
    private Fmt() {}

    static String rate(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    static String nanos(double nanos) {
        if (nanos >= 1e6) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        if (nanos >= 1e4) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String percent(double fraction) {
        // "-0 %" would read as a measured loss; a rounding of nothing is "0 %".
        return String.format(Locale.ROOT, "%.0f %%", Math.abs(fraction) < 0.005 ? 0.0 : fraction * 100);
    }

    /** A ratio to 3 significant digits, or "–" when there is nothing to compare with. */
    static String ratio(double ratio) {
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

    static String size(int bytes) {
        if (bytes == 0) {
            return "–";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes / 1024) + " KiB";
    }
}
