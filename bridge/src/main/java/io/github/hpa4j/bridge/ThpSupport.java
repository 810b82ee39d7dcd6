package io.github.hpa4j.bridge;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the Linux page hooks can run, Netty-Epoll style: {@link #isAvailable()},
 * {@link #unavailabilityCause()}, {@link #ensureAvailability()}. Probed once, lazily, and never
 * throws while probing, so other modules can ask on any OS.
 */
public final class ThpSupport {
    static final String SYSFS_THP = "/sys/kernel/mm/transparent_hugepage";

    private ThpSupport() {}

    private static final class Probe {
        static final PlatformFacts FACTS = probe();
    }

    /** {@return the platform as probed once, on first use} */
    public static PlatformFacts facts() {
        return Probe.FACTS;
    }

    /**
     * jemalloc's hpa_supported(): 64-bit Linux, THP not never, 4 KiB pages, 2 MiB hugepages, native access on.
     *
     * @return the same as {@link #isAvailable()}
     */
    public static boolean hpaSupported() {
        return isAvailable();
    }

    /** {@return whether the Linux page hooks can run here with hugepages} */
    public static boolean isAvailable() {
        return Probe.FACTS.unsupportedReason().isEmpty();
    }

    /**
     * Null when available; otherwise a new exception whose message is the reason (made on each call:
     * the reason is a probed fact, not a caught failure, so no stack trace is worth keeping).
     *
     * @return the reason as an exception, or null
     */
    public static Throwable unavailabilityCause() {
        return Probe.FACTS
                .unsupportedReason()
                .map(UnsupportedOperationException::new)
                .orElse(null);
    }

    /** Throws {@link UnsupportedOperationException} with the reason when {@link #isAvailable()} is false. */
    public static void ensureAvailability() {
        Throwable cause = unavailabilityCause();
        if (cause != null) {
            throw new UnsupportedOperationException("hpa4j Linux page hooks unavailable: " + cause.getMessage(), cause);
        }
    }

    /**
     * {@return the mode in brackets, e.g. {@code madvise} from {@code "always [madvise] never"}; null if none}
     *
     * @param sysfsText a THP sysfs file's contents, or null when it could not be read
     */
    public static String bracketedMode(String sysfsText) {
        if (sysfsText == null) {
            return null;
        }
        int open = sysfsText.indexOf('[');
        int close = sysfsText.indexOf(']', open + 1);
        return open < 0 || close < 0 ? null : sysfsText.substring(open + 1, close);
    }

    private static PlatformFacts probe() {
        String osName = System.getProperty("os.name");
        String osArch = System.getProperty("os.arch");
        int addressBits = (int) ValueLayout.ADDRESS.byteSize() * 8;
        boolean linux = osName != null && osName.startsWith("Linux");
        boolean nativeAccess = ThpSupport.class.getModule().isNativeAccessEnabled();
        long hugepageSize = linux ? parseLong(readSysfs("hpage_pmd_size")) : -1;
        String enabled = linux ? bracketedMode(readSysfs("enabled")) : null;
        String defrag = linux ? bracketedMode(readSysfs("defrag")) : null;
        // Ask sysconf only when it cannot warn about or be denied native access.
        long pageSize = linux && nativeAccess ? sysconfPageSizeOrUnknown() : -1;
        return new PlatformFacts(osName, osArch, addressBits, pageSize, hugepageSize, enabled, defrag, nativeAccess);
    }

    private static long sysconfPageSizeOrUnknown() {
        try {
            return LinuxSyscalls.sysconfPageSize();
        } catch (Throwable t) { // e.g. no libc symbol: report unknown, the reason will say so
            return -1;
        }
    }

    private static String readSysfs(String name) {
        try {
            return Files.readString(Path.of(SYSFS_THP, name), StandardCharsets.US_ASCII)
                    .trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long parseLong(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
