package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** An allocator stopped; its duration runs from the call of stop to the last unmap. */
@Name("io.github.hpa4j.AllocatorStop")
@Label("Allocator Stop")
@Category("hpa4j")
@Description("An allocator stopped: caches flushed, scopes closed, slabs and eden unmapped")
final class AllocatorStopEvent extends Event {
    @Label("Allocator")
    String allocator;

    @Label("Live Extents Reclaimed")
    long liveExtents;

    @Label("Live Bytes Reclaimed")
    @DataAmount(DataAmount.BYTES)
    long liveBytes;

    @Label("Slabs Unmapped")
    long slabs;

    @Label("Eden Unmapped")
    @DataAmount(DataAmount.BYTES)
    long edenBytes;

    /** Starts timing the stop of {@code allocator}. */
    static AllocatorStopEvent begin(String allocator) {
        AllocatorStopEvent event = new AllocatorStopEvent();
        event.allocator = allocator;
        event.begin();
        return event;
    }

    /** Ends and records the stop with what it reclaimed and unmapped. */
    void end(ShutdownReport report) {
        liveExtents = report.liveExtents();
        liveBytes = report.liveBytes();
        slabs = report.slabs();
        edenBytes = report.edenBytes();
        commit();
    }
}
