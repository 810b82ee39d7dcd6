package io.github.hpa4j.actors;

import jdk.jfr.DataAmount;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;

/** The fields every page call's event has: whose range, where, how large, and whether the OS took it. */
abstract class PageCallEvent extends Event {
    @Label("Shard")
    int shard;

    @Label("Address")
    @MemoryAddress
    long address;

    @Label("Size")
    @DataAmount(DataAmount.BYTES)
    long bytes;

    @Label("Succeeded")
    boolean succeeded;
}
