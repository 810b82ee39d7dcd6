package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The intrusive slab list against a java.util.LinkedList. */
class SlabListTest {
    private static PageSlab slab(int i) {
        return new PageSlab((i + 1L) * Pages.HUGEPAGE, i);
    }

    private static List<PageSlab> contents(SlabList list) {
        List<PageSlab> out = new ArrayList<>();
        for (PageSlab s = list.first(); s != null; s = list.next(s)) {
            out.add(s);
        }
        return out;
    }

    @Test
    void shouldAppendAtTheTailAndPrependAtTheHead() {
        SlabList list = new SlabList(SlabList.PURGE);
        assertTrue(list.isEmpty());
        assertNull(list.first());
        PageSlab a = slab(0);
        PageSlab b = slab(1);
        PageSlab c = slab(2);
        list.append(a);
        list.append(b);
        list.prepend(c);
        assertEquals(List.of(c, a, b), contents(list));
        assertEquals(3, list.size());
        assertSame(c, list.first());
    }

    @Test
    void shouldRemoveTheHeadTheTailAndTheMiddle() {
        SlabList list = new SlabList(SlabList.EMPTY);
        PageSlab[] s = {slab(0), slab(1), slab(2), slab(3), slab(4)};
        for (PageSlab x : s) {
            list.append(x);
        }
        list.remove(s[2]);
        assertEquals(List.of(s[0], s[1], s[3], s[4]), contents(list));
        list.remove(s[0]);
        assertEquals(List.of(s[1], s[3], s[4]), contents(list));
        list.remove(s[4]);
        assertEquals(List.of(s[1], s[3]), contents(list));
        // The tail was fixed up: appending links after the new tail.
        list.append(s[4]);
        assertEquals(List.of(s[1], s[3], s[4]), contents(list));
        list.remove(s[1]);
        list.remove(s[3]);
        list.remove(s[4]);
        assertTrue(list.isEmpty());
        assertEquals(0, list.size());
        // A removed slab is unlinked and may join again.
        list.prepend(s[2]);
        assertEquals(List.of(s[2]), contents(list));
    }

    /** psset keeps a slab on its empty, purge and hugify lists at once: the links must not mix. */
    @Test
    void shouldKeepListsOfDifferentKindsIndependent() {
        SlabList empty = new SlabList(SlabList.EMPTY);
        SlabList purge = new SlabList(SlabList.PURGE);
        SlabList hugify = new SlabList(SlabList.HUGIFY);
        PageSlab a = slab(0);
        PageSlab b = slab(1);
        empty.append(a);
        empty.append(b);
        purge.append(b);
        purge.append(a);
        hugify.prepend(a);
        assertEquals(List.of(a, b), contents(empty));
        assertEquals(List.of(b, a), contents(purge));
        assertEquals(List.of(a), contents(hugify));
        purge.remove(b);
        assertEquals(List.of(a, b), contents(empty));
        assertEquals(List.of(a), contents(purge));
    }

    @Test
    void shouldMatchALinkedListOverRandomOperations() {
        // A fixed seed, so a failure reproduces; printed in every assertion message.
        final long seed = 0x115_7L;
        Random random = new Random(seed);
        SlabList list = new SlabList(SlabList.HUGIFY);
        ArrayList<PageSlab> oracle = new ArrayList<>();
        List<PageSlab> outside = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            outside.add(slab(i));
        }
        for (int step = 0; step < 20_000; step++) {
            String where = "seed " + seed + " step " + step;
            int op = random.nextInt(4);
            if ((op == 0 || oracle.isEmpty()) && !outside.isEmpty()) {
                PageSlab s = outside.remove(random.nextInt(outside.size()));
                list.append(s);
                oracle.add(s);
            } else if (op == 1 && !outside.isEmpty()) {
                PageSlab s = outside.remove(random.nextInt(outside.size()));
                list.prepend(s);
                oracle.add(0, s);
            } else if (!oracle.isEmpty()) {
                // Mostly from the middle, sometimes the head as pickPurge users do.
                PageSlab s = op == 2 ? oracle.get(0) : oracle.get(random.nextInt(oracle.size()));
                list.remove(s);
                oracle.remove(s);
                outside.add(s);
                assertNull(s.listNext[SlabList.HUGIFY], where);
                assertNull(s.listPrev[SlabList.HUGIFY], where);
            }
            assertEquals(oracle.size(), list.size(), where);
            assertEquals(oracle.isEmpty(), list.isEmpty(), where);
            assertSame(oracle.isEmpty() ? null : oracle.get(0), list.first(), where);
            if (step % 16 == 0) {
                assertEquals(oracle, contents(list), where);
            }
        }
        assertEquals(oracle, contents(list), "seed " + seed);
    }
}
