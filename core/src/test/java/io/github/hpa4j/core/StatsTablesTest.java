package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTablesTest {
    @Test
    void shouldPrintOneLinePerUsedClass() {
        SmallAllocator small = new SmallAllocator(0, new FakePageSource());
        small.alloc(100);
        small.alloc(100);
        long gone = small.alloc(5000);
        small.free(gone);
        String table = StatsTables.bins(small.stats());
        String[] lines = table.lines().toArray(String[]::new);
        assertEquals(3, lines.length, table);
        assertTrue(lines[0].startsWith("bins:"));
        // 112-byte class, index 6: 224 bytes live, 2 mallocs, 256 regions in 7 pages, 24 bytes of waste.
        assertTrue(lines[1].matches("\\s+112\\s+6\\s+224\\s+2\\s+0\\s+2\\s+1\\s+256\\s+7\\s+0\\.008\\s+24"), lines[1]);
        assertTrue(lines[2].matches("\\s+5120\\s+28\\s+0\\s+1\\s+1\\s+0\\s+0\\s+4\\s+5\\s+1\\s+120"), lines[2]);
    }

    @Test
    void shouldPrintTheLargeCounters() {
        LargeAllocator large = new LargeAllocator(
                0, LargeOptions.DEFAULTS, new RecordingHooks(), new ManualClock(), PageBudget.UNLIMITED);
        large.alloc(15 << 20, 1);
        String text = StatsTables.large(large.stats());
        assertTrue(text.startsWith("large:  allocated 16777216 (asked 15728640, waste 1048576) nmalloc 1"), text);
        assertTrue(text.contains("misses 1"), text);
    }
}
