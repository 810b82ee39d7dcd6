package io.github.hpa4j.actors;

import java.util.List;

/**
 * What stopping the allocator took back.
 *
 * @param liveExtents allocations never freed, reclaimed by unmapping their slabs
 * @param liveBytes   their bytes
 * @param slabs       slabs unmapped
 * @param edenBytes   eden address space unmapped that no slab had used yet
 */
public record ShutdownReport(long liveExtents, long liveBytes, long slabs, long edenBytes) {
    static ShutdownReport of(List<ShardActor.ShardStopped> stopped, long edenBytes) {
        long extents = 0;
        long bytes = 0;
        long slabs = 0;
        for (ShardActor.ShardStopped s : stopped) {
            extents += s.reclaimed().liveExtents();
            bytes += s.reclaimed().liveBytes();
            slabs += s.reclaimed().slabs();
        }
        return new ShutdownReport(extents, bytes, slabs, edenBytes);
    }
}
