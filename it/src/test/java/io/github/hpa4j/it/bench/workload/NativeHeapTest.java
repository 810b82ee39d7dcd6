package io.github.hpa4j.it.bench.workload;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.hpa4j.bridge.SmapsReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeHeapTest {
    private static final int BLOCK = 32 << 10;
    private static final int BLOCKS = 2048;

    @Test
    void shouldHandBackFreedPagesThatGlibcKeepsBelowALiveBlock() {
        assumeTrue(NativeHeap.trimmable(), "glibc only");
        GlibcMemorySubject malloc = new GlibcMemorySubject();
        SmapsReader smaps = new SmapsReader();
        List<Object> blocks = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            blocks.add(malloc.allocate(BLOCK));
        }
        // The last block stays: the freed ones are then not at the top of the heap, where free()
        // would trim them itself, but free chunks that only malloc_trim gives back.
        for (int i = 0; i < BLOCKS - 1; i++) {
            malloc.free(blocks.get(i));
        }
        long kept = smaps.readProcess().rss();
        NativeHeap.trim();
        long trimmed = smaps.readProcess().rss();
        malloc.free(blocks.get(BLOCKS - 1));
        long freed = (long) (BLOCKS - 1) * BLOCK;
        assertTrue(
                kept - trimmed > freed / 2, "trim returned " + (kept - trimmed) + " of the " + freed + " bytes freed");
    }
}
