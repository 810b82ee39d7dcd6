package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every refused free names its reason and leaves the shard exactly as it was. */
class ShardFreeRefusalTest {
    private final ManualClock clock = new ManualClock();
    private final RecordingHooks hooks = new RecordingHooks();
    private final Eden eden = new Eden(hooks);
    private Shard shard;
    private List<Extent> live;

    @BeforeEach
    void setUp() {
        shard = new Shard(3, ShardOptions.DEFAULTS, hooks, clock);
        live = new ArrayList<>();
        shard.allocBatch(4 * Pages.PAGE, 10, eden, live);
    }

    private void assertRefusedUnchanged(FreeRefusal reason, Executable free) {
        ShardStats before = shard.stats();
        InvalidFreeException e = assertThrows(InvalidFreeException.class, free);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(before, shard.stats(), "a refused free changes no state");
        assertNull(shard.inconsistency());
    }

    @Test
    void shouldRefuseNull() {
        assertRefusedUnchanged(FreeRefusal.NULL_EXTENT, () -> shard.free(null));
    }

    @Test
    void shouldRefuseAnExtentOfAnotherShard() {
        Extent e = live.get(0);
        assertRefusedUnchanged(FreeRefusal.WRONG_SHARD, () -> shard.free(new Extent(e.address(), e.size(), 4)));
    }

    @Test
    void shouldRefuseAMisalignedAddress() {
        Extent e = live.get(0);
        assertRefusedUnchanged(
                FreeRefusal.MISALIGNED_ADDRESS, () -> shard.free(new Extent(e.address() + 8, e.size(), 3)));
    }

    @Test
    void shouldRefuseAnAddressOutsideEverySlab() {
        assertRefusedUnchanged(FreeRefusal.UNKNOWN_ADDRESS, () -> shard.free(new Extent(1L << 46, Pages.PAGE, 3)));
    }

    @Test
    void shouldRefuseAnInteriorAddress() {
        Extent e = live.get(2);
        assertRefusedUnchanged(
                FreeRefusal.INTERIOR_ADDRESS, () -> shard.free(new Extent(e.address() + Pages.PAGE, Pages.PAGE, 3)));
    }

    @Test
    void shouldRefuseAWrongSize() {
        Extent e = live.get(2);
        assertRefusedUnchanged(FreeRefusal.WRONG_SIZE, () -> shard.free(new Extent(e.address(), Pages.PAGE, 3)));
    }

    @Test
    void shouldRefuseADoubleFree() {
        Extent e = live.get(5);
        shard.free(e);
        assertRefusedUnchanged(FreeRefusal.NOT_ALLOCATED, () -> shard.free(e));
    }

    @Test
    void shouldRefuseAnAddressNeverAllocatedInAKnownSlab() {
        long beyond = live.get(9).end();
        assertRefusedUnchanged(FreeRefusal.NOT_ALLOCATED, () -> shard.free(new Extent(beyond, Pages.PAGE, 3)));
    }

    @Test
    void shouldRefuseAWholeBatchWhenOneExtentIsBad() {
        List<Extent> batch = new ArrayList<>(live.subList(0, 5));
        batch.add(new Extent(live.get(6).address() + Pages.PAGE, Pages.PAGE, 3));
        assertRefusedUnchanged(FreeRefusal.INTERIOR_ADDRESS, () -> shard.freeBatch(batch));
        assertEquals(10, shard.liveExtents());
    }

    @Test
    void shouldRefuseTheSameExtentTwiceInOneBatch() {
        List<Extent> batch = List.of(live.get(1), live.get(2), live.get(1));
        assertRefusedUnchanged(FreeRefusal.DUPLICATE_IN_BATCH, () -> shard.freeBatch(batch));
    }

    @Test
    void shouldStillFreeTheGoodExtentsAfterARefusal() {
        assertThrows(
                InvalidFreeException.class,
                () -> shard.free(new Extent(live.get(0).address(), Pages.PAGE, 3)));
        shard.freeBatch(live);
        assertEquals(0, shard.liveExtents());
        assertEquals(0, shard.nactive());
    }
}
