package io.github.hpa4j.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.github.hpa4j.core.AllocatorException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Talks to one shard actor through its message protocol only, with test probes: every answer is a
 * reply message, every state a {@link ShardActor.ShardSnapshot}.
 *
 * <p>The shard replies before it re-arms its deferred-work timer, so the instance methods that wait
 * for a reply also wait for a GetStats round trip: when they return, the request is handled in
 * full and any timer it armed is armed, so that moving ManualTime next cannot race it.
 */
final class ShardClient {
    /* Only a bound on waits that end as soon as the reply or state is there: room for a loaded CI machine. */
    static final Duration REPLY = Duration.ofSeconds(15);

    private final ActorTestKit kit;
    final ActorRef<ShardActor.Command> shard;

    ShardClient(ActorTestKit kit, ActorRef<ShardActor.Command> shard) {
        this.kit = kit;
        this.shard = shard;
    }

    /** Sends an Allocate and returns the probe its reply will reach. */
    TestProbe<ShardActor.AllocateReply> sendAllocate(long bytes, int count) {
        TestProbe<ShardActor.AllocateReply> probe = kit.createTestProbe();
        shard.tell(new ShardActor.Allocate(bytes, count, probe.getRef()));
        return probe;
    }

    static List<Allocation> expectAllocated(TestProbe<ShardActor.AllocateReply> probe, int count) {
        ShardActor.Allocated allocated = probe.expectMessageClass(ShardActor.Allocated.class, REPLY);
        assertEquals(count, allocated.allocations().size());
        return allocated.allocations();
    }

    static AllocatorException expectAllocateFailed(TestProbe<ShardActor.AllocateReply> probe) {
        return probe.expectMessageClass(ShardActor.AllocateFailed.class, REPLY).error();
    }

    List<Allocation> allocate(long bytes, int count) {
        List<Allocation> allocations = expectAllocated(sendAllocate(bytes, count), count);
        snapshot();
        return allocations;
    }

    AllocatorException allocateFails(long bytes, int count) {
        AllocatorException error = expectAllocateFailed(sendAllocate(bytes, count));
        snapshot();
        return error;
    }

    TestProbe<ShardActor.FreeReply> sendFree(List<Allocation> allocations) {
        TestProbe<ShardActor.FreeReply> probe = kit.createTestProbe();
        shard.tell(new ShardActor.Free(allocations, probe.getRef()));
        return probe;
    }

    void free(List<Allocation> allocations) {
        ShardActor.Freed freed = sendFree(allocations).expectMessageClass(ShardActor.Freed.class, REPLY);
        assertEquals(allocations.size(), freed.count());
        snapshot();
    }

    AllocatorException freeFails(List<Allocation> allocations) {
        AllocatorException error = sendFree(allocations)
                .expectMessageClass(ShardActor.FreeFailed.class, REPLY)
                .error();
        snapshot();
        return error;
    }

    ShardActor.ShardSnapshot snapshot() {
        TestProbe<ShardActor.ShardSnapshot> probe = kit.createTestProbe();
        shard.tell(new ShardActor.GetStats(probe.getRef()));
        ShardActor.ShardSnapshot snapshot = probe.expectMessageClass(ShardActor.ShardSnapshot.class, REPLY);
        probe.stop();
        return snapshot;
    }

    /** Asks for snapshots until {@code assertion} holds on one (or fails with its last error). */
    ShardActor.ShardSnapshot awaitSnapshot(Consumer<ShardActor.ShardSnapshot> assertion) {
        TestProbe<Void> poller = kit.createTestProbe();
        return poller.awaitAssert(REPLY, () -> {
            ShardActor.ShardSnapshot snapshot = snapshot();
            assertion.accept(snapshot);
            return snapshot;
        });
    }

    int runDeferredWork() {
        TestProbe<ShardActor.DeferredWorkStarted> probe = kit.createTestProbe();
        shard.tell(new ShardActor.RunDeferredWork(probe.getRef()));
        int begun = probe.expectMessageClass(ShardActor.DeferredWorkStarted.class, REPLY)
                .jobsBegun();
        snapshot();
        return begun;
    }

    boolean setDeferralAllowed(boolean allowed) {
        TestProbe<ShardActor.DeferralSet> probe = kit.createTestProbe();
        shard.tell(new ShardActor.SetDeferralAllowed(allowed, probe.getRef()));
        return probe.expectMessageClass(ShardActor.DeferralSet.class, REPLY).allowed();
    }

    ShardActor.ShardStopped stop() {
        TestProbe<ShardActor.ShardStopped> probe = kit.createTestProbe();
        shard.tell(new ShardActor.Stop(probe.getRef()));
        return probe.expectMessageClass(ShardActor.ShardStopped.class, REPLY);
    }
}
