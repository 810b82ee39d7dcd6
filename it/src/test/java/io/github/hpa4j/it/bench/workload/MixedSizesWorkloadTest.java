package io.github.hpa4j.it.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.it.bench.SuiteOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixedSizesWorkloadTest {

    @Test
    void shouldDrawAsManySizesPerDoublingFrom16BytesTo16MiB() {
        Random random = new Random(SuiteOptions.SEED);
        int draws = 200_000;
        int belowOnePage = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < draws; i++) {
            int size = MixedSizesWorkload.size(random);
            min = Math.min(min, size);
            max = Math.max(max, size);
            if (size < 4096) {
                belowOnePage++;
            }
        }
        assertTrue(min >= MixedSizesWorkload.MIN && max <= MixedSizesWorkload.MAX, min + ".." + max);
        assertTrue(min < 20 && max > (15 << 20), "the ends are reached: " + min + ".." + max);
        // 16 B .. 4 KiB is 8 of the 20 doublings.
        assertEquals(0.4, belowOnePage / (double) draws, 0.01);
    }
}
