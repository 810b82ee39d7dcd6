package io.github.hpa4j.actors;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An allocator's {@link AllocatorMXBean} on the platform MBean server. JMX calls arrive on RMI or
 * agent threads, never on an actor's, so waiting for the facade's stages here blocks nothing of the
 * allocator's; the wait is bounded so a console never hangs on a stopping allocator.
 */
final class AllocatorMBean implements AllocatorMXBean {
    private static final Logger LOG = LoggerFactory.getLogger(AllocatorMBean.class);
    static final String DOMAIN = "io.github.hpa4j";

    private final Hpa4j hpa4j;
    private final String name;
    private final Duration wait;
    private final ObjectName objectName;

    private AllocatorMBean(Hpa4j hpa4j, String name, Duration wait) throws JMException {
        this.hpa4j = hpa4j;
        this.name = name;
        this.wait = wait;
        this.objectName = objectName(name);
    }

    /** The ObjectName of the allocator called {@code name}. */
    static ObjectName objectName(String name) throws JMException {
        // Names are "hpa4j-<n>": no character that would need quoting.
        return new ObjectName(DOMAIN + ":type=Allocator,name=" + name);
    }

    /**
     * Registers {@code hpa4j} as {@code name}; returns the bean, or null when JMX refused (the
     * allocator runs the same without it, so a refusal is only a warning).
     */
    static AllocatorMBean register(Hpa4j hpa4j, String name) {
        try {
            AllocatorMBean bean = new AllocatorMBean(
                    hpa4j, name, hpa4j.settings().askTimeout().plusSeconds(1));
            ManagementFactory.getPlatformMBeanServer().registerMBean(bean, bean.objectName);
            return bean;
        } catch (JMException | RuntimeException e) {
            LOG.warn(
                    "hpa4j {}: not registered in JMX ({}); its stats stay readable through Hpa4j.stats()",
                    name,
                    e.toString());
            return null;
        }
    }

    /** Removes the bean; an allocator that stopped is no longer there to read. */
    void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
        } catch (JMException e) {
            LOG.warn("hpa4j {}: could not unregister {} from JMX: {}", name, objectName, e.toString());
        }
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getPageHooks() {
        return hpa4j.pageHooks();
    }

    @Override
    public int getShards() {
        return hpa4j.shardCount();
    }

    @Override
    public long getHeldBytes() {
        return read(AllocatorStats::heldBytes);
    }

    @Override
    public long getActiveBytes() {
        return read(AllocatorStats::activeBytes);
    }

    @Override
    public long getDirtyBytes() {
        return read(AllocatorStats::dirtyBytes);
    }

    @Override
    public long getFragmentedBytes() {
        return read(AllocatorStats::fragmentedFreeBytes);
    }

    @Override
    public long getMappedBytes() {
        return read(AllocatorStats::mappedBytes);
    }

    @Override
    public long getRssBytes() {
        return read(s -> s.smaps().rss());
    }

    @Override
    public long getAnonHugePagesBytes() {
        return read(s -> s.smaps().anonHugePages());
    }

    @Override
    public long getSlabs() {
        return read(s -> s.total().npageslabs());
    }

    @Override
    public long getLiveExtents() {
        return read(s -> s.total().liveExtents());
    }

    @Override
    public long getPurgePasses() {
        return read(s -> s.total().counters().npurgePasses());
    }

    @Override
    public long getHugifies() {
        return read(s -> s.total().counters().nhugifies());
    }

    @Override
    public long getDehugifies() {
        return read(s -> s.total().counters().ndehugifies());
    }

    @Override
    public long getBudgetLimitBytes() {
        return read(s -> s.budget().limitBytes());
    }

    @Override
    public long getBudgetHeldBytes() {
        return read(s -> s.budget().heldBytes());
    }

    @Override
    public long getCacheHits() {
        return hpa4j.cacheStats().hits();
    }

    @Override
    public long getCacheMisses() {
        return hpa4j.cacheStats().misses();
    }

    @Override
    public long getCachedBytes() {
        return hpa4j.cacheStats().cachedBytes();
    }

    @Override
    public long getReclaimed() {
        return read(AllocatorStats::reclaimed);
    }

    @Override
    public String getStatsReport() {
        return StatsReport.render(await(hpa4j.stats()));
    }

    @Override
    public void trimCaches() {
        await(hpa4j.trimCaches());
    }

    @Override
    public int runDeferredWork() {
        return await(hpa4j.runDeferredWork());
    }

    private long read(ToLongFunction<AllocatorStats> field) {
        return field.applyAsLong(await(hpa4j.stats()));
    }

    /* JMX clients see IllegalStateException with a message, not our exception types they may not have. */
    private <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for hpa4j " + name);
        } catch (TimeoutException e) {
            throw new IllegalStateException("hpa4j " + name + " did not answer within " + wait.toMillis() + " ms");
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("hpa4j " + name + ": " + cause);
        }
    }
}
