package io.github.hpa4j.actors;

import java.util.List;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The front gave extents back to a shard in one batch (what a tier had no room for, the sweeper, a trim, a stop). */
@Name("io.github.hpa4j.CacheFlush")
@Label("Cache Flush")
@Category("hpa4j")
@Description("Cached extents sent back to a shard in one batch free")
final class CacheFlushEvent extends Event {
    @Label("Shard")
    int shard;

    @Label("Extents")
    int extents;

    @Label("Flushed")
    @DataAmount(DataAmount.BYTES)
    long bytes;

    /** Records a flush of {@code flushed} to {@code shard}; sums their sizes only when recording. */
    static void emit(int shard, List<Allocation> flushed) {
        CacheFlushEvent event = new CacheFlushEvent();
        if (event.shouldCommit()) {
            event.shard = shard;
            event.extents = flushed.size();
            for (Allocation a : flushed) {
                event.bytes += a.extent().size();
            }
            event.commit();
        }
    }
}
