package io.github.hpa4j.actors;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.core.Clock;

/** Shard 0 of a fresh allocator whose page calls of one kind wait at a gate while it is closed. */
final class GatedShard {
    private GatedShard() {}

    /** What a test does with the allocator, its hooks, its shard 0 and the gate. */
    interface Scenario {
        void run(Hpa4j hpa4j, FakePageHooks hooks, ShardClient shard, Gate gate) throws Exception;
    }

    /* The gate is opened whatever the scenario does, so a failed test leaves no page call held. */
    static void run(
            ActorTestKit testKit, Hpa4jSettings settings, Clock clock, FakePageHooks.Op gated, Scenario scenario)
            throws Exception {
        FakePageHooks hooks = new FakePageHooks();
        Hpa4j hpa4j = TestAllocators.start(testKit, settings, hooks, clock);
        Gate gate = hooks.gate(gated);
        try {
            scenario.run(hpa4j, hooks, new ShardClient(testKit, hpa4j.shard(0)), gate);
        } finally {
            gate.open();
        }
    }
}
