package io.github.hpa4j.examples.minimal;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.StatsReport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A minimal Akka Typed application on hpa4j: allocate, write, free, print the allocator's report. */
public final class MinimalApp {
    private static final Logger LOG = LoggerFactory.getLogger(MinimalApp.class);

    public static void main(String[] args) throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "minimal");
        Hpa4j hpa4j = Hpa4j.get(system);                    // configured from hpa4j.* (application.conf)
        try (Allocation a = hpa4j.allocateNow(10_000)) {     // 3 pages; close() frees it
            MemorySegment m = a.segment();                   // exactly a.size() bytes
            m.set(ValueLayout.JAVA_LONG, 0, 42L);
            ByteBuffer b = a.asByteBuffer();                 // the same memory, valid until the free
            LOG.info("read back {} from {} bytes", b.getLong(0), b.capacity());
        }
        Allocation later = hpa4j.allocate(4096).toCompletableFuture().join();   // the stage style
        hpa4j.free(later).toCompletableFuture().join();

        AllocatorStats stats = hpa4j.stats().toCompletableFuture().get(10, TimeUnit.SECONDS);
        System.out.print(StatsReport.render(stats));
        system.terminate();                                  // hpa4j stops with the actor system
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
