package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** A shard waited for a slab from eden; its duration is the wait, an mmap included when eden mapped. */
@Name("io.github.hpa4j.SlabGrowth")
@Label("Slab Growth")
@Category("hpa4j")
@Description("A shard asked eden for a 2 MiB slab and got it, or was refused")
final class SlabGrowthEvent extends Event {
    @Label("Shard")
    int shard;

    @Label("Succeeded")
    boolean succeeded;

    /** Starts timing a request to eden of {@code shard}. */
    static SlabGrowthEvent begin(int shard) {
        SlabGrowthEvent event = new SlabGrowthEvent();
        event.shard = shard;
        event.begin();
        return event;
    }

    /** Ends and records the request with its outcome. */
    void end(boolean succeeded) {
        this.succeeded = succeeded;
        commit();
    }
}
