package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The front asked a shard for extents: a caller that missed its cache and tier, or a tier's restock. */
@Name("io.github.hpa4j.CacheRefill")
@Label("Cache Refill")
@Category("hpa4j")
@Description("The front asked a shard for extents: a caller's miss, or a transfer tier's restock")
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
