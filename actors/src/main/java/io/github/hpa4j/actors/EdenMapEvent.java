package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** Eden mapped a new region of hugepages for a shard that needed a slab. */
@Name("io.github.hpa4j.EdenMap")
@Label("Eden Map")
@Category("hpa4j")
@Description("Eden mapped fresh address space (mmap, aligned to hugepages) to carve slabs from")
final class EdenMapEvent extends Event {
    @Label("Shard")
    @Description("The shard whose request made eden map")
    int shard;

    @Label("Mapped")
    @DataAmount(DataAmount.BYTES)
    long bytes;

    @Label("Mapped In All")
    @DataAmount(DataAmount.BYTES)
    long totalBytes;
}
