package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A thread's front cache missed and sent one batch allocation to its shard. */
@Name("io.github.hpa4j.CacheRefill")
@Label("Cache Refill")
@Category("hpa4j")
@Description("A front-cache miss: one batch allocation sent to the thread's shard, extras included")
final class CacheRefillEvent extends Event {
    @Label("Shard")
    int shard;

    @Label("Extents")
    int extents;

    @Label("Extent Size")
    @DataAmount(DataAmount.BYTES)
    long extentBytes;

    /** Records a refill of {@code extents} extents of {@code extentBytes} each from {@code shard}. */
    static void emit(int shard, long extentBytes, int extents) {
        CacheRefillEvent event = new CacheRefillEvent();
        if (event.shouldCommit()) {
            event.shard = shard;
            event.extentBytes = extentBytes;
            event.extents = extents;
            event.commit();
        }
    }
}
