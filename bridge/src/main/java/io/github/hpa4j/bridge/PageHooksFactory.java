package io.github.hpa4j.bridge;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** Picks {@link LinuxPageHooks} when {@link ThpSupport#hpaSupported()}, else {@link ArenaPageHooks}. */
public final class PageHooksFactory {
    private static final System.Logger LOG = System.getLogger(PageHooksFactory.class.getName());
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private PageHooksFactory() {
    }

    /** Linux hooks with {@code style} when supported; otherwise the fallback, logging why once per JVM. */
    public static CountedPageHooks create(HugifyStyle style) {
        return create(style, ThpSupport.facts().unsupportedReason());
    }

    static CountedPageHooks create(HugifyStyle style, Optional<String> unsupportedReason) {
        if (unsupportedReason.isEmpty()) {
            return new LinuxPageHooks(style);
        }
        if (FALLBACK_LOGGED.compareAndSet(false, true)) {
            String reason = unsupportedReason.get();
            // Warn only when the user can act on it (Linux, e.g. a missing flag); elsewhere it is expected.
            System.Logger.Level level = reason.startsWith("not Linux") ? System.Logger.Level.INFO : System.Logger.Level.WARNING;
            LOG.log(level, "hpa4j uses portable page hooks without hugepages (hugify style " + style
                    + " ignored): " + reason);
        }
        return new ArenaPageHooks();
    }
}
