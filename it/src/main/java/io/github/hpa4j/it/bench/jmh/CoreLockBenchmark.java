package io.github.hpa4j.it.bench.jmh;

import io.github.hpa4j.bridge.CountedPageHooks;
import io.github.hpa4j.bridge.HugifyStyle;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.core.Eden;
import io.github.hpa4j.core.Extent;
import io.github.hpa4j.core.Shard;
import io.github.hpa4j.core.ShardOptions;
import io.github.hpa4j.it.bench.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * hpa.c's design in Java: one core {@link Shard} (and its {@link Eden}) on the real Linux page hooks
 * behind one lock, every thread sharing it. Deferral is off, so the thread holding the lock runs due
 * purges and hugifies inline, as hpa.c does without a background thread; this is what the actor
 * design replaces.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CoreLockBenchmark {
    @Param({"4096", "16384", "65536"})
    public int size;

    private final ReentrantLock lock = new ReentrantLock();
    private Eden eden;
    private Shard shard;

    @Setup
    public void start() {
        CountedPageHooks hooks = PageHooksFactory.create(HugifyStyle.COLLAPSE);
        eden = new Eden(hooks);
        shard = new Shard(0, ShardOptions.DEFAULTS.withDeferralAllowed(false), hooks, SystemClock.INSTANCE);
    }

    @TearDown
    public void stop() {
        shard.destroy();
        eden.destroy();
    }

    /** Two critical sections, as hpa_alloc and hpa_dalloc are. */
    @Benchmark
    public Extent pair() {
        Extent extent;
        lock.lock();
        try {
            extent = shard.alloc(size, eden);
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            shard.free(extent);
        } finally {
            lock.unlock();
        }
        return extent;
    }

    @Benchmark
    public List<Extent> batch() {
        List<Extent> extents = new ArrayList<>(Shapes.BATCH);
        lock.lock();
        try {
            shard.allocBatch(size, Shapes.BATCH, eden, extents);
        } finally {
            lock.unlock();
        }
        lock.lock();
        try {
            shard.freeBatch(extents);
        } finally {
            lock.unlock();
        }
        return extents;
    }
}
