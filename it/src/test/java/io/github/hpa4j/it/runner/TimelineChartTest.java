package io.github.hpa4j.it.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimelineChartTest {

    @Test
    void shouldPutLabelsOfShortAdjacentPhasesOnDifferentRows() {
        // Over 100 s, the 0.5 s free phase and the idle phase start ~6 px apart: far closer than a label is wide.
        List<Timeline.PhaseSpan> spans = List.of(
                new Timeline.PhaseSpan(Phase.GROW, 0, 40),
                new Timeline.PhaseSpan(Phase.CHURN, 40, 90),
                new Timeline.PhaseSpan(Phase.FREE, 90, 90.5),
                new Timeline.PhaseSpan(Phase.IDLE, 90.5, 100));

        int[] rows = TimelineChart.labelRows(spans, 100);

        assertArrayEquals(new int[] {0, 0, 0, 1}, rows);
    }

    @Test
    void shouldStackThreeLabelsThatAllStartTogether() {
        List<Timeline.PhaseSpan> spans = List.of(
                new Timeline.PhaseSpan(Phase.GROW, 0, 0.1),
                new Timeline.PhaseSpan(Phase.CHURN, 0.1, 0.2),
                new Timeline.PhaseSpan(Phase.FREE, 0.2, 60));

        int[] rows = TimelineChart.labelRows(spans, 60);

        assertArrayEquals(new int[] {0, 1, 2}, rows);
    }

    @Test
    void shouldGiveEverySeriesItsOwnColour() {
        Set<Color> colours = Set.of(
                TimelineChart.RSS,
                TimelineChart.LIVE,
                TimelineChart.ANON_HUGE,
                TimelineChart.DIRTY,
                TimelineChart.OPS,
                TimelineChart.HUGIFIES,
                TimelineChart.PURGES,
                TimelineChart.DEHUGIFIES);

        assertEquals(8, colours.size());
    }
}
