package io.github.hpa4j.actors;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** The memory budget ({@code hpa4j.max-memory}) refused pages: an allocation or hugify will fail or wait. */
@Name("io.github.hpa4j.BudgetRefusal")
@Label("Budget Refusal")
@Category("hpa4j")
@Description("hpa4j.max-memory refused to let a shard touch more pages; every shard purges now")
final class BudgetRefusalEvent extends Event {
    @Label("Requested")
    @DataAmount(DataAmount.BYTES)
    long requestedBytes;

    @Label("Held")
    @DataAmount(DataAmount.BYTES)
    long heldBytes;

    @Label("Limit")
    @DataAmount(DataAmount.BYTES)
    long limitBytes;

    static void emit(long requestedBytes, long heldBytes, long limitBytes) {
        BudgetRefusalEvent event = new BudgetRefusalEvent();
        if (event.shouldCommit()) {
            event.requestedBytes = requestedBytes;
            event.heldBytes = heldBytes;
            event.limitBytes = limitBytes;
            event.commit();
        }
    }
}
