package io.github.hpa4j.it.forked;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.bridge.SystemClock;
import io.github.hpa4j.core.FreeRefusal;
import io.github.hpa4j.core.InvalidFreeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Touches memory after its allocator stopped, every way a caller can: through the segment, a slice
 * of it and a ByteBuffer view. Each must throw IllegalStateException; a second allocator started
 * afterwards (which may map the same addresses) must neither see stale writes nor accept stale
 * frees. Prints one line per check and exits 0 only when all held; a crash exits non-zero.
 */
public final class AccessAfterStop {
    private static int failures;

    public static void main(String[] args) throws Exception {
        boolean cache = args.length > 0 && args[0].equals("cache");
        ActorSystem<Void> system = ActorSystem.create(
                Behaviors.empty(),
                "access-after-stop",
                ConfigFactory.parseString("hpa4j.cache.enabled = " + (cache ? "on" : "off"))
                        .withFallback(ConfigFactory.load()));
        Hpa4j first = Hpa4j.get(system);
        Allocation a = first.allocateNow(64 * 1024);
        MemorySegment segment = a.segment();
        MemorySegment slice = segment.asSlice(4096, 4096);
        ByteBuffer buffer = segment.asByteBuffer();
        segment.fill((byte) 1);
        first.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);

        expectClosed("read through the segment", () -> segment.get(ValueLayout.JAVA_LONG, 0));
        expectClosed("write through the segment", () -> segment.set(ValueLayout.JAVA_LONG, 8, 42L));
        expectClosed("write through a slice", () -> slice.fill((byte) 2));
        expectClosed("read through a ByteBuffer view", () -> buffer.get(100));
        expectClosed("write through a ByteBuffer view", () -> buffer.put(100, (byte) 3));

        Hpa4jSettings settings = Hpa4jSettings.fromConfig(system.settings().config());
        Hpa4j second =
                Hpa4j.start(system, settings, PageHooksFactory.create(settings.hugifyStyle()), SystemClock.INSTANCE);
        Allocation b = second.allocateNow(64 * 1024);
        b.segment().fill((byte) 7);
        expectClosed("a stale write after a second allocator started", () -> segment.fill((byte) 9));
        check(
                "the second allocator's memory is untouched",
                MemorySegment.mismatch(
                                b.segment(),
                                0,
                                64 * 1024,
                                MemorySegment.ofArray(filled(64 * 1024, (byte) 7)),
                                0,
                                64 * 1024)
                        == -1);
        try {
            second.freeNow(a);
            check("a stale free is refused by the second allocator", false);
        } catch (InvalidFreeException e) {
            check(
                    "a stale free is refused by the second allocator (" + e.reason() + ")",
                    e.reason() == FreeRefusal.ALLOCATOR_STOPPED);
        }
        second.freeNow(b);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println(failures == 0 ? "ALL CHECKS HELD" : failures + " CHECKS FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    private static byte[] filled(int n, byte value) {
        byte[] bytes = new byte[n];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }

    private static void expectClosed(String what, Runnable access) {
        try {
            access.run();
            check(what + " threw nothing", false);
        } catch (IllegalStateException expected) {
            check(what + " threw IllegalStateException", true);
        }
    }

    private static void check(String what, boolean held) {
        System.out.println((held ? "ok   " : "FAIL ") + what);
        if (!held) {
            failures++;
        }
    }
}
