package io.github.hpa4j.it.bench.workload;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SmapsReading;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.it.bench.BenchAkka;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** hpa4j through its ask facade, reference settings except the hugify style, policy and shard count. */
public final class HpaMemorySubject implements MemorySubject {
    private final ActorSystem<Void> system;
    private final Hpa4j hpa4j;
    private final LatencyProbe probe;

    public HpaMemorySubject(String hugifyStyle, int shards, String hugifyPolicy) {
        system = BenchAkka.start(
                "memory",
                "hpa4j.hugify-style = " + hugifyStyle + "\nhpa4j.shards = " + shards + "\nhpa4j.hugify-policy = "
                        + hugifyPolicy);
        Hpa4jSettings settings = Hpa4jSettings.fromConfig(system.settings().config());
        WatchedPageHooks hooks = new WatchedPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        hpa4j = Hpa4j.start(system, settings, hooks, SystemClock.INSTANCE);
        probe = new LatencyProbe(hpa4j, hooks);
    }

    @Override
    public Object allocate(int bytes) {
        Allocation allocation = hpa4j.allocate(bytes).toCompletableFuture().join();
        MemorySegment segment = allocation.segment();
        for (long offset = 0; offset < bytes; offset += PAGE) {
            segment.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
        }
        return allocation;
    }

    @Override
    public void free(Object block) {
        hpa4j.free((Allocation) block).toCompletableFuture().join();
    }

    @Override
    public long address(Object block) {
        return ((Allocation) block).segment().address();
    }

    @Override
    public SmapsReading ownRegions() {
        return hpa4j.stats().toCompletableFuture().join().smaps();
    }

    @Override
    public LatencyProbe probe() {
        return probe;
    }

    @Override
    public void close() {
        probe.close();
        BenchAkka.stop(system, hpa4j);
    }
}
