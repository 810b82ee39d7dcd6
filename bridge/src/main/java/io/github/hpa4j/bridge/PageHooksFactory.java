package io.github.hpa4j.bridge;

/**
 * The page hooks hpa4j runs on. {@link #create} gives the Linux hooks or refuses to start: a silent
 * fallback would run a process whose memory never goes back. Without transparent hugepages the
 * Linux hooks still purge, with hugify style {@link HugifyStyle#NONE}. {@link #portable()} is only
 * for a configuration that asks for it.
 */
public final class PageHooksFactory {
    private static final System.Logger LOG = System.getLogger(PageHooksFactory.class.getName());

    private PageHooksFactory() {}

    /**
     * The Linux hooks with {@code style}, or with {@link HugifyStyle#NONE} when hugepages are not
     * available; throws {@link PlatformUnsupportedException} when the Linux hooks cannot run.
     *
     * @param style the hugify style asked for
     * @return the hooks to run on
     */
    public static CountedPageHooks create(HugifyStyle style) {
        return create(style, ThpSupport.facts());
    }

    /**
     * As {@link #create(HugifyStyle)} for the given facts (tests inject other platforms).
     *
     * @param style the hugify style asked for
     * @param facts the platform to decide for
     * @return the hooks to run on
     */
    public static CountedPageHooks create(HugifyStyle style, PlatformFacts facts) {
        facts.linuxHooksUnsupportedReason().ifPresent(reason -> {
            throw new PlatformUnsupportedException(reason);
        });
        String noHugepages = facts.hugepagesUnavailableReason().orElse(null);
        if (noHugepages != null && style != HugifyStyle.NONE) {
            // DEBUG only: the caller sees the style fall back in the hooks it gets and tells the user
            // (hpa4j's start line warns, through the application's logging).
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "hpa4j runs without hugepages (hugify style " + style
                            + " becomes none; freed memory still goes back to the OS): " + noHugepages);
            return new LinuxPageHooks(HugifyStyle.NONE);
        }
        return new LinuxPageHooks(style);
    }

    /**
     * The portable hooks: Arena-backed, no hugepages, and a purge only zero-fills, so resident memory
     * never shrinks. Runs anywhere.
     *
     * @return new portable hooks
     */
    public static CountedPageHooks portable() {
        return new ArenaPageHooks();
    }
}
