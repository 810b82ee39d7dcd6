package io.github.hpa4j.actors;

import io.github.hpa4j.bridge.HugifyStyle;
import io.github.hpa4j.bridge.LinuxPageHooks;
import io.github.hpa4j.bridge.ThpSupport;
import io.github.hpa4j.core.PageHooks;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line an allocator logs as it starts (logger {@code io.github.hpa4j.actors.Hpa4j}),
 * naming everything a user would check first, and a WARN for each setting that does not do what was
 * asked, with what to change.
 */
final class StartLine {
    private static final Logger LOG = LoggerFactory.getLogger(Hpa4j.class);

    private StartLine() {}

    static void log(String name, Hpa4jSettings settings, PageHooks hooks, String hooksDescription, boolean inJmx) {
        CacheSettings cache = settings.cache();
        LOG.info(
                "{} started: {} page hooks, {} shards, {} page workers, budget {}, front cache {}, safety {}{}",
                name,
                hooksDescription,
                settings.shards(),
                settings.pageWorkers(),
                settings.maxMemory() == Long.MAX_VALUE ? "unlimited" : StatsReport.bytes(settings.maxMemory()),
                cache.enabled()
                        ? "on (" + cache.maxPerClass() + " per size class, " + StatsReport.bytes(cache.maxBytes())
                                + " per thread)"
                        : "off",
                settings.safety().level().name().toLowerCase(Locale.ROOT),
                inJmx ? ", JMX " + AllocatorMBean.DOMAIN + ":type=Allocator,name=" + name : "");
        // Hooks a caller built with another style on purpose are not a fallback: only the platform's reason is.
        String noHugepages = ThpSupport.facts().hugepagesUnavailableReason().orElse(null);
        if (hooks instanceof LinuxPageHooks linux
                && linux.style() == HugifyStyle.NONE
                && settings.hugifyStyle() != HugifyStyle.NONE
                && noHugepages != null) {
            LOG.warn(
                    "{} runs without hugepages (hpa4j.hugify-style = {} became none; freed memory still goes back to"
                            + " the OS): {}",
                    name,
                    settings.hugifyStyle().name().toLowerCase(Locale.ROOT),
                    noHugepages);
        }
        if (!(hooks instanceof LinuxPageHooks) && settings.pageHooks() == Hpa4jSettings.PageHookKind.PORTABLE) {
            LOG.warn(
                    "{} runs on the portable page hooks (hpa4j.page-hooks = portable): no hugepages, and resident"
                            + " memory never shrinks; remove the setting to run on the Linux hooks",
                    name);
        }
    }
}
