package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.Pages;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Each allocator is one MBean on the platform server, from its start to its stop. */
class AllocatorMBeanTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void shouldShowTheStatsAsAttributesAndRunTrimAndDeferredWorkAsOperations() throws Exception {
        Hpa4j hpa4j = TestAllocators.start(testKit, TestAllocators.defaults(), new FakePageHooks(), new ManualClock());
        ObjectName name = new ObjectName("io.github.hpa4j:type=Allocator,name=" + hpa4j.name());
        assertTrue(server.isRegistered(name), "registered at start as " + name);

        List<Allocation> held = new ShardClient(testKit, hpa4j.shard(0)).allocate(Pages.PAGE, 10);
        assertEquals(10 * Pages.PAGE, (Long) server.getAttribute(name, "HeldBytes"));
        assertEquals(10L, (Long) server.getAttribute(name, "LiveExtents"));
        assertEquals(1L, (Long) server.getAttribute(name, "Slabs"));
        assertEquals(Long.MAX_VALUE, (Long) server.getAttribute(name, "BudgetLimitBytes"));
        assertEquals(1, (Integer) server.getAttribute(name, "Shards"));
        assertTrue(((String) server.getAttribute(name, "StatsReport")).contains("___ Begin hpa4j statistics ___"));

        // Through a typed proxy, as a monitoring agent would: a cached free shows up as cached, and
        // the trim operation gives it back to the shard.
        AllocatorMXBean proxy = JMX.newMXBeanProxy(server, name, AllocatorMXBean.class);
        hpa4j.free(held.get(0)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(Pages.PAGE, proxy.getCachedBytes());
        proxy.trimCaches();
        assertEquals(0, proxy.getCachedBytes());
        assertEquals(9 * Pages.PAGE, proxy.getActiveBytes());
        assertEquals(Pages.PAGE, proxy.getDirtyBytes(), "the trimmed page is dirty in its slab");
        assertEquals(
                0,
                (Integer) server.invoke(name, "runDeferredWork", new Object[0], new String[0]),
                "one dirty page is within dirty-mult: no purge to begin");

        hpa4j.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(server.isRegistered(name), "unregistered at stop");
    }

    @Test
    void shouldRegisterEveryAllocatorUnderItsOwnName() throws Exception {
        Hpa4j first = TestAllocators.start(testKit, TestAllocators.defaults(), new FakePageHooks(), new ManualClock());
        Hpa4j second = TestAllocators.start(testKit, TestAllocators.defaults(), new FakePageHooks(), new ManualClock());
        ObjectName pattern = new ObjectName("io.github.hpa4j:type=Allocator,*");
        assertTrue(server.queryNames(pattern, null)
                .containsAll(List.of(
                        new ObjectName("io.github.hpa4j:type=Allocator,name=" + first.name()),
                        new ObjectName("io.github.hpa4j:type=Allocator,name=" + second.name()))));
        first.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        second.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
