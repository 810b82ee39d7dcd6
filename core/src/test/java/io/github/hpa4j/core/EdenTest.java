package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Eden, hpa_central_extract: maps many hugepages at once and carves one slab per request. */
class EdenTest {
    private final RecordingHooks hooks = new RecordingHooks();

    @Test
    void shouldMap128HugepagesAtATimeAndCarveThemInAddressOrder() {
        Eden eden = new Eden(hooks);
        PageSlab first = eden.extract();
        assertEquals(List.of(new RecordingHooks.Call("map", first.address(), 128 * Pages.HUGEPAGE)), hooks.calls);
        for (int i = 1; i < 128; i++) {
            PageSlab slab = eden.extract();
            assertEquals(first.address() + i * Pages.HUGEPAGE, slab.address(), "slab " + i);
            assertTrue(slab.empty());
            assertTrue(Pages.isHugepageAligned(slab.address()));
        }
        assertEquals(1, hooks.count("map"), "128 slabs from one mapping");
        assertEquals(0, eden.remainingBytes());
        assertEquals(128 * Pages.HUGEPAGE, eden.mappedBytes());

        PageSlab next = eden.extract();
        assertEquals(2, hooks.count("map"), "the 129th slab maps again");
        assertEquals(hooks.calls.get(1).address(), next.address());
        assertEquals(127 * Pages.HUGEPAGE, eden.remainingBytes());
        assertEquals(2, eden.mappings());
    }

    @Test
    void shouldMapNoRegionOnceItsReserveLimitIsMapped() {
        Eden eden = new Eden(hooks, 2, 3 * Pages.HUGEPAGE);
        for (int i = 0; i < 4; i++) {
            eden.extract(); // regions of 4 MiB: the second is mapped with 4 MiB mapped, below 6 MiB
        }
        MemoryBudgetExceededException refused = assertThrows(MemoryBudgetExceededException.class, eden::extract);
        assertTrue(refused.getMessage().contains("address space bound of " + 3 * Pages.HUGEPAGE), refused.getMessage());
        assertEquals(4 * Pages.HUGEPAGE, refused.heldBytes(), "what is reserved");
        assertEquals(4 * Pages.HUGEPAGE, eden.mappedBytes(), "below the limit plus one region");
    }

    @Test
    void shouldHandOutTheLastHugepageWithoutMapping() {
        Eden eden = new Eden(hooks, 2);
        PageSlab a = eden.extract();
        assertEquals(Pages.HUGEPAGE, eden.remainingBytes());
        PageSlab b = eden.extract();
        assertEquals(1, hooks.count("map"), "a perfect fit maps nothing");
        assertEquals(a.address() + Pages.HUGEPAGE, b.address());
        assertEquals(0, eden.remainingBytes());
        eden.extract();
        assertEquals(2, hooks.count("map"));
    }

    @Test
    void shouldMapOnceForEverySlabWhenEdenIsOneHugepage() {
        Eden eden = new Eden(hooks, 1);
        for (int i = 0; i < 5; i++) {
            PageSlab slab = eden.extract();
            assertEquals(i + 1, hooks.count("map"));
            assertEquals(hooks.calls.get(i), new RecordingHooks.Call("map", slab.address(), Pages.HUGEPAGE));
            assertEquals(0, eden.remainingBytes(), "nothing left over");
        }
        assertEquals(5, eden.mappings());
        assertEquals(5 * Pages.HUGEPAGE, eden.mappedBytes());
    }

    @Test
    void shouldGiveEachSlabTheNextAge() {
        Eden eden = new Eden(hooks, 3);
        for (long age = 0; age < 10; age++) {
            assertEquals(age, eden.ageCounter());
            assertEquals(age, eden.extract().age(), "ages increase across mappings and perfect fits");
        }
        assertEquals(10, eden.ageCounter());
    }

    @Test
    void shouldThrowEdenExhaustedAndStayUnchangedWhenMapFails() {
        Eden eden = new Eden(hooks, 2);
        eden.extract();
        eden.extract();
        hooks.failMap = true;
        EdenExhaustedException e = assertThrows(EdenExhaustedException.class, eden::extract);
        assertInstanceOf(PageOperationException.class, e.getCause());
        assertTrue(e.getMessage().contains(Long.toString(2 * Pages.HUGEPAGE)), e.getMessage());
        assertEquals(0, eden.remainingBytes());
        assertEquals(1, eden.mappings());
        assertEquals(2 * Pages.HUGEPAGE, eden.mappedBytes());
        assertEquals(2, eden.ageCounter(), "a failed extract uses no age");

        hooks.failMap = false;
        PageSlab slab = eden.extract();
        assertEquals(2, slab.age());
        assertEquals(2, eden.mappings(), "a later extract maps again");
        assertEquals(Pages.HUGEPAGE, eden.remainingBytes());
    }

    @Test
    void shouldUnmapTheRemainderOnDestroy() {
        Eden eden = new Eden(hooks);
        PageSlab first = eden.extract();
        eden.extract();
        eden.extract();
        eden.destroy();
        assertEquals(
                new RecordingHooks.Call("unmap", first.address() + 3 * Pages.HUGEPAGE, 125 * Pages.HUGEPAGE),
                hooks.calls.get(hooks.calls.size() - 1));
        assertEquals(0, eden.remainingBytes());
        eden.destroy();
        assertEquals(1, hooks.count("unmap"), "nothing is left to unmap twice");
    }

    @Test
    void shouldUnmapNothingWhenEdenIsUsedUp() {
        Eden eden = new Eden(hooks, 1);
        eden.destroy();
        eden.extract();
        eden.destroy();
        assertEquals(0, hooks.count("unmap"), "the slabs are the shards' to unmap");
    }

    @Test
    void shouldRefuseAnEdenSmallerThanOneHugepage() {
        assertThrows(IllegalArgumentException.class, () -> new Eden(hooks, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Eden(hooks, -3));
        assertTrue(e.getMessage().contains("-3"), e.getMessage());
        assertEquals(0, hooks.calls.size());
    }

    @Test
    void shouldMapNothingMoreOnceExactlyItsReserveLimitIsMapped() {
        Eden eden = new Eden(hooks, 2, 2 * Pages.HUGEPAGE);
        eden.extract();
        eden.extract();
        assertThrows(MemoryBudgetExceededException.class, eden::extract);
        assertEquals(1, eden.mappings());
    }

    @Test
    void shouldHandOutAGivenBackSlabAgainUnderTheNextAge() {
        Eden eden = new Eden(hooks, 2);
        PageSlab first = eden.extract();
        PageSlab second = eden.extract();
        assertEquals(0, eden.remainingBytes());
        eden.giveBack(first);
        eden.giveBack(second);
        assertEquals(2 * Pages.HUGEPAGE, eden.remainingBytes(), "given back, still mapped");
        PageSlab again = eden.extract();
        assertEquals(second.address(), again.address(), "the last given back comes out first");
        assertEquals(2, again.age(), "a slab handed out again is the youngest");
        assertEquals(3, eden.ageCounter());
        assertEquals(Pages.HUGEPAGE, eden.remainingBytes());
        assertEquals(1, eden.mappings(), "nothing new mapped");
        eden.destroy();
        assertEquals(
                new RecordingHooks.Call("unmap", first.address(), Pages.HUGEPAGE),
                hooks.calls.get(hooks.calls.size() - 1));
        assertEquals(0, eden.remainingBytes());
    }
}
