package io.github.hpa4j.bridge;

import io.github.hpa4j.core.Pages;
import java.util.Optional;
import java.util.Set;

/**
 * What the bridge learned about the platform, once, at first use. Sizes are bytes, -1 when unknown;
 * THP modes are the bracketed word of the sysfs file, null when unreadable.
 *
 * @param osName              {@code os.name}
 * @param osArch              {@code os.arch}
 * @param addressBits         native pointer width
 * @param pageSize            sysconf(_SC_PAGESIZE); -1 when native access is off or not on Linux
 * @param hugepageSize        /sys/kernel/mm/transparent_hugepage/hpage_pmd_size
 * @param thpEnabled          /sys/kernel/mm/transparent_hugepage/enabled (always, madvise, never)
 * @param thpDefrag           /sys/kernel/mm/transparent_hugepage/defrag (always, defer, defer+madvise, madvise, never)
 * @param nativeAccessEnabled whether the bridge's module may call restricted FFM methods
 */
public record PlatformFacts(
        String osName,
        String osArch,
        int addressBits,
        long pageSize,
        long hugepageSize,
        String thpEnabled,
        String thpDefrag,
        boolean nativeAccessEnabled) {

    /** mmap/madvise flag values and the errno table are only known to be right on these. */
    private static final Set<String> KNOWN_ARCHS = Set.of("amd64", "x86_64", "aarch64");

    /**
     * Why hpa4j's full design cannot run here, like jemalloc's {@code hpa_supported()}: the Linux
     * hooks cannot run, or they can but without transparent hugepages. Empty when both can.
     *
     * @return the first reason, or empty
     */
    public Optional<String> unsupportedReason() {
        return linuxHooksUnsupportedReason().or(this::hugepagesUnavailableReason);
    }

    /**
     * Why the Linux hooks (mmap, munmap, madvise) cannot run here; empty when they can. The first
     * failing condition wins; each message says what to change.
     *
     * @return the first reason, or empty
     */
    public Optional<String> linuxHooksUnsupportedReason() {
        if (osName == null || !osName.startsWith("Linux")) {
            return Optional.of("not Linux (os.name=" + osName + "): transparent hugepages are Linux-only");
        }
        if (addressBits != 64) {
            return Optional.of("not a 64-bit JVM (" + addressBits + "-bit pointers)");
        }
        if (!KNOWN_ARCHS.contains(osArch)) {
            return Optional.of("architecture " + osArch
                    + " not supported (mmap/madvise constants known for x86_64 and aarch64 only)");
        }
        if (!nativeAccessEnabled) {
            return Optional.of("native access is not enabled: start java with --enable-native-access=ALL-UNNAMED"
                    + " (class path) or --enable-native-access=<bridge module> (module path)");
        }
        if (pageSize != Pages.PAGE) {
            return Optional.of("page size " + pageSize + " != " + Pages.PAGE + " that hpa4j is built for");
        }
        return Optional.empty();
    }

    /**
     * Why the Linux hooks would run without transparent hugepages here (they still purge, so memory
     * still goes back); empty when hugepages are available.
     *
     * @return the first reason, or empty
     */
    public Optional<String> hugepagesUnavailableReason() {
        if (hugepageSize <= 0) {
            return Optional.of("hugepage size unknown: " + ThpSupport.SYSFS_THP
                    + "/hpage_pmd_size unreadable (kernel without THP?)");
        }
        if (hugepageSize != Pages.HUGEPAGE) {
            return Optional.of("hugepage size " + hugepageSize + " != " + Pages.HUGEPAGE + " that hpa4j is built for");
        }
        if (thpEnabled == null) {
            return Optional.of("THP mode unknown: " + ThpSupport.SYSFS_THP + "/enabled unreadable");
        }
        if (thpEnabled.equals("never")) {
            return Optional.of("transparent hugepages are disabled (" + ThpSupport.SYSFS_THP
                    + "/enabled is [never]; write madvise there to enable them)");
        }
        return Optional.empty();
    }
}
