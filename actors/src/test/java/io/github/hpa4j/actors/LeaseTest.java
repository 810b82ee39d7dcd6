package io.github.hpa4j.actors;

import static io.github.hpa4j.testkit.Stages.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardDisabledException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A lease through the public facade, on fake hooks (no memory is touched): pairs its thread's cache
 * serves reuse the cached extent without a new handle, the extent a lease holds is out of reach of
 * every handle, bad calls are refused and change nothing, and what the cache does not serve goes
 * through handles held for the caller.
 */
class LeaseTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final Duration LONG = Duration.ofHours(1);
    private static final long PAGE = Pages.PAGE;

    private static Hpa4j start(boolean cache) {
        Hpa4jSettings settings =
                TestAllocators.parse("hpa4j.dirty-mult = unlimited").withShards(1);
        settings = settings.withCache(
                settings.cache().withEnabled(cache).withMaxPerClass(8).withTimes(LONG, LONG));
        return TestAllocators.start(testKit, settings, new FakePageHooks(), new ManualClock());
    }

    private static Hpa4j start() {
        return start(true);
    }

    @Test
    void shouldServeRepeatedPairsFromTheThreadsCacheWithoutAMessage() throws Exception {
        Hpa4j hpa4j = start();
        Lease lease = hpa4j.lease();
        assertFalse(lease.holds());
        long first = lease.allocate(PAGE);
        CacheStats miss = hpa4j.cacheStats();
        assertEquals(1, miss.misses(), "the empty cache missed once");
        assertEquals(1, miss.waits(), "and the lease waited for one ask");
        assertTrue(lease.holds());
        assertEquals(PAGE, lease.size());
        assertEquals(first, lease.address());
        lease.free();
        assertFalse(lease.holds());
        CacheStats before = hpa4j.cacheStats();

        for (int i = 0; i < 100; i++) {
            assertEquals(first, lease.allocate(PAGE - 10), "the last free is the next hit");
            lease.free();
        }
        CacheStats after = hpa4j.cacheStats();
        assertEquals(before.hits() + 100, after.hits());
        assertEquals(before.waits(), after.waits(), "no pair waited on a message");
        assertEquals(0, get(hpa4j.stats()).heldBytes(), "the lease gave everything back");
    }

    @Test
    void shouldKeepWhatALeaseHoldsOutOfReachOfTheHandleThatFreedIt() throws Exception {
        Hpa4j hpa4j = start();
        Allocation handle = hpa4j.allocateNow(PAGE);
        hpa4j.freeNow(handle);
        Lease lease = hpa4j.lease();
        assertEquals(handle.address(), lease.allocate(PAGE), "the lease took the extent the handle freed");

        InvalidFreeException stale = assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(handle));
        assertEquals(FreeRefusal.NOT_ALLOCATED, stale.reason());
        assertEquals(Allocation.State.FREED, handle.state());
        assertEquals(handle.address(), lease.address(), "the stale free changed nothing");

        lease.free();
        Allocation again = hpa4j.allocateNow(PAGE);
        assertEquals(handle.address(), again.address(), "the lease's free put it back in the cache");
        assertThrows(InvalidFreeException.class, () -> hpa4j.freeNow(handle), "still refused for ever");
        assertEquals(Allocation.State.LIVE, again.state());
        hpa4j.freeNow(again);
    }

    @Test
    void shouldRefuseAnEmptyFreeAndAFullAllocateAndChangeNothing() throws Exception {
        Hpa4j hpa4j = start();
        Lease lease = hpa4j.lease();
        InvalidFreeException empty = assertThrows(InvalidFreeException.class, lease::free);
        assertEquals(FreeRefusal.NOT_ALLOCATED, empty.reason());
        assertThrows(IllegalStateException.class, lease::address);
        assertThrows(IllegalStateException.class, lease::segment);

        long held = lease.allocate(2 * PAGE);
        long heldBytes = get(hpa4j.stats()).heldBytes();
        assertThrows(IllegalStateException.class, () -> lease.allocate(PAGE));
        assertEquals(held, lease.address(), "the refused allocate kept what the lease holds");
        assertEquals(2 * PAGE, lease.size());
        assertEquals(heldBytes, get(hpa4j.stats()).heldBytes(), "and allocated nothing");
        lease.free();
        assertThrows(InvalidFreeException.class, lease::free, "a second free is refused");
        assertEquals(0, get(hpa4j.stats()).heldBytes());
    }

    @Test
    void shouldRefuseEveryCallFromAnotherThreadAndChangeNothing() throws Exception {
        Hpa4j hpa4j = start();
        Lease lease = hpa4j.lease();
        long held = lease.allocate(PAGE);
        for (Runnable call : new Runnable[] {
            lease::free,
            lease::close,
            () -> lease.allocate(PAGE),
            lease::address,
            lease::size,
            lease::segment,
            lease::holds
        }) {
            CompletableFuture<Void> elsewhere = CompletableFuture.runAsync(call);
            ExecutionException thrown =
                    assertThrows(ExecutionException.class, () -> elsewhere.get(5, TimeUnit.SECONDS));
            assertInstanceOf(WrongThreadException.class, thrown.getCause());
        }
        assertEquals(held, lease.address());
        assertEquals(PAGE, get(hpa4j.stats()).heldBytes(), "the lease still holds its page");
        lease.close();
        assertFalse(lease.holds());
        lease.close(); // closing an empty lease is allowed, as for try-with-resources
        assertEquals(0, get(hpa4j.stats()).heldBytes());
    }

    @Test
    void shouldServeSizesTheCacheDoesNotHoldThroughHandles() throws Exception {
        Hpa4j hpa4j = start();
        Lease lease = hpa4j.lease();
        long large = 16 * Pages.HUGEPAGE;
        lease.allocate(large);
        assertEquals(large, lease.size());
        assertEquals(large, get(hpa4j.stats()).heldBytes());
        lease.free();
        assertEquals(0, get(hpa4j.stats()).heldBytes());

        long aligned = lease.allocate(PAGE, AllocationOptions.aligned(Pages.HUGEPAGE));
        assertEquals(0, aligned % Pages.HUGEPAGE);
        lease.free();
        assertEquals(0, get(hpa4j.stats()).heldBytes());
    }

    @Test
    void shouldHoldHandlesWithTheCacheOff() throws Exception {
        Hpa4j hpa4j = start(false);
        Lease lease = hpa4j.lease();
        long first = lease.allocate(PAGE);
        assertEquals(PAGE, get(hpa4j.stats()).heldBytes());
        lease.free();
        assertEquals(0, get(hpa4j.stats()).heldBytes(), "the free went to the shard");
        lease.allocate(PAGE);
        assertEquals(first, lease.address(), "the shard reuses the page it got back");
        lease.free();
        assertEquals(0, hpa4j.cacheStats().hits());
    }

    @Test
    void shouldRefuseLeasesAndTheirCallsOnceTheAllocatorStopped() throws Exception {
        Hpa4j hpa4j = start();
        Lease lease = hpa4j.lease();
        lease.allocate(PAGE);
        get(hpa4j.stop());
        assertThrows(ShardDisabledException.class, lease::free);
        assertTrue(lease.holds(), "a refused free changes nothing");
        assertThrows(IllegalStateException.class, () -> lease.segment().get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(ShardDisabledException.class, hpa4j::lease);
        Lease empty = new Lease(hpa4j, null);
        assertThrows(ShardDisabledException.class, () -> empty.allocate(PAGE));
        assertFalse(empty.holds());
    }
}
