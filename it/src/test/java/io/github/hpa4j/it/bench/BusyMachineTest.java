package io.github.hpa4j.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BusyMachineTest {

    @Test
    void shouldReadTheFirstOneMinuteLoadOfTheRun() {
        assertEquals(1.25, BenchmarkReport.startLoad1("1.25 0.50 0.30 at the start, 4.00 2.00 1.00 at the end"));
    }

    @Test
    void shouldReadNoLoadAsIdle() {
        assertEquals(0, BenchmarkReport.startLoad1("unknown"));
    }
}
