package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing slab map against a java.util.HashMap. */
class LongHashMapTest {
    /*
     * The map's slot function, copied so the test can build keys that collide and so force long
     * probe runs, runs that wrap around the end of the table, and backward shifts across them. If
     * the map's hash changes, the tests below still pass; the collision pools check that their
     * keys collide under this copy only, so update it with the map.
     */
    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** {@code count} distinct keys that all land in slot {@code target} of a table of {@code capacity}. */
    private static long[] collidingKeys(int count, int capacity, int target, long seed) {
        Random random = new Random(seed);
        long[] keys = new long[count];
        int found = 0;
        while (found < count) {
            long key = random.nextLong() & ~Pages.HUGEPAGE_MASK;
            if (slot(key, capacity - 1) == target) {
                boolean duplicate = false;
                for (int i = 0; i < found; i++) {
                    duplicate |= keys[i] == key;
                }
                if (!duplicate) {
                    keys[found++] = key;
                }
            }
        }
        return keys;
    }

    @Test
    void shouldGetWhatWasPutAndNullForAbsentKeys() {
        LongHashMap<String> map = new LongHashMap<>();
        assertNull(map.get(42));
        map.put(42, "a");
        map.put(0, "zero");
        map.put(-1, "minus one");
        map.put(Long.MIN_VALUE, "min");
        assertEquals("a", map.get(42));
        assertEquals("zero", map.get(0), "key 0 is an ordinary key: emptiness is a null value");
        assertEquals("minus one", map.get(-1));
        assertEquals("min", map.get(Long.MIN_VALUE));
        assertNull(map.get(43));
        assertEquals(4, map.size());
    }

    @Test
    void shouldReplaceTheValueOfAnExistingKey() {
        LongHashMap<String> map = new LongHashMap<>();
        map.put(7, "a");
        map.put(7, "b");
        assertEquals("b", map.get(7));
        assertEquals(1, map.size());
    }

    @Test
    void shouldRefuseNullValues() {
        LongHashMap<String> map = new LongHashMap<>();
        assertThrows(IllegalArgumentException.class, () -> map.put(1, null));
        assertEquals(0, map.size());
    }

    @Test
    void shouldIgnoreRemovalOfAnAbsentKey() {
        LongHashMap<String> map = new LongHashMap<>();
        map.put(1, "a");
        map.remove(2);
        assertEquals(1, map.size());
        assertEquals("a", map.get(1));
    }

    @Test
    void shouldGrowAndKeepEveryKey() {
        LongHashMap<Long> map = new LongHashMap<>();
        for (long i = 0; i < 10_000; i++) {
            map.put(i * Pages.HUGEPAGE, i);
        }
        assertEquals(10_000, map.size());
        for (long i = 0; i < 10_000; i++) {
            assertEquals(i, map.get(i * Pages.HUGEPAGE));
        }
        List<Long> seen = new ArrayList<>();
        map.forEachValue(seen::add);
        seen.sort(null);
        assertEquals(10_000, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i), "forEachValue visits each value once");
        }
    }

    /**
     * Seven keys all homed in the last slot of the initial 16-slot table: their probe run wraps to
     * the front. Removing each in turn must shift the rest back so none becomes unreachable.
     */
    @Test
    void shouldFindEveryKeyAfterRemovingFromAWrappedCollisionRun() {
        long[] keys = collidingKeys(7, 16, 15, 1);
        for (int victim = 0; victim < keys.length; victim++) {
            LongHashMap<Long> map = new LongHashMap<>();
            for (long key : keys) {
                map.put(key, key);
            }
            map.remove(keys[victim]);
            assertNull(map.get(keys[victim]));
            for (int i = 0; i < keys.length; i++) {
                if (i != victim) {
                    assertEquals(keys[i], map.get(keys[i]), "key " + i + " after removing " + victim);
                }
            }
            assertEquals(keys.length - 1, map.size());
        }
    }

    /**
     * Two interleaved collision runs (homes 14 and 15, wrapping): a backward shift must move an
     * entry only into a slot that is not before its home, or it would be lost to lookups.
     */
    @Test
    void shouldNotShiftAnEntryBeforeItsHome() {
        long[] home14 = collidingKeys(3, 16, 14, 2);
        long[] home15 = collidingKeys(3, 16, 15, 3);
        long[] home0 = collidingKeys(1, 16, 0, 4);
        LongHashMap<Long> map = new LongHashMap<>();
        long[] all = {home14[0], home15[0], home14[1], home0[0], home15[1], home14[2], home15[2]};
        for (long key : all) {
            map.put(key, key);
        }
        assertEquals(all.length, map.size());
        // Remove in an order that differs from insertion, checking the survivors each time.
        long[] order = {home15[0], home14[0], home0[0], home15[2], home14[1], home15[1], home14[2]};
        List<Long> left = new ArrayList<>();
        for (long key : all) {
            left.add(key);
        }
        for (long removed : order) {
            map.remove(removed);
            left.remove(removed);
            for (long key : left) {
                assertEquals(key, map.get(key), "lost after removing another key");
            }
        }
    }

    /** Random puts and removes, half from a pool of colliding keys, against a HashMap. */
    @Test
    void shouldMatchAHashMapOverRandomOperations() {
        // A fixed seed, so a failure reproduces; printed in every assertion message.
        final long seed = 0xA11CEL;
        Random random = new Random(seed);
        long[] colliding = collidingKeys(24, 64, 63, seed);
        long[] spread = new long[200];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = (random.nextInt(1 << 20) + 1L) << Pages.LG_HUGEPAGE;
        }
        LongHashMap<Long> map = new LongHashMap<>();
        Map<Long, Long> oracle = new HashMap<>();
        for (int step = 0; step < 40_000; step++) {
            String where = "seed " + seed + " step " + step;
            long key = random.nextBoolean()
                    ? colliding[random.nextInt(colliding.length)]
                    : spread[random.nextInt(spread.length)];
            if (random.nextInt(3) != 0) {
                long value = random.nextLong();
                map.put(key, value);
                oracle.put(key, value);
            } else {
                map.remove(key);
                oracle.remove(key);
                assertNull(map.get(key), where);
            }
            assertEquals(oracle.size(), map.size(), where);
            if (step % 8 == 0) {
                for (long k : colliding) {
                    assertEquals(oracle.get(k), map.get(k), where + " key " + k);
                }
            }
        }
        for (Map.Entry<Long, Long> e : oracle.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()), "seed " + seed);
        }
        List<Long> values = new ArrayList<>();
        map.forEachValue(values::add);
        List<Long> expected = new ArrayList<>(oracle.values());
        values.sort(null);
        expected.sort(null);
        assertEquals(expected, values, "seed " + seed + ": forEachValue visits each value once");
    }
}
