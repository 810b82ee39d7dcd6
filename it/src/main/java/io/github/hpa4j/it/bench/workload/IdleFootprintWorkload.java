package io.github.hpa4j.it.bench.workload;

import akka.actor.typed.ActorSystem;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.bridge.SmapsReader;
import io.github.hpa4j.it.bench.BenchAkka;
import io.github.hpa4j.it.bench.MemoryResult;
import io.github.hpa4j.it.bench.MemorySuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an idle hpa4j adds to a process: the Rss of a JVM with an actor system alone, with hpa4j
 * started beside it, and with hpa4j after its first small and page allocations were freed again
 * (a slab mapped and touched, the front and its tier stocked). Started by {@link MemorySuite},
 * {@code IdleFootprintWorkload <variant>}, in the memory workloads' JVM; prints one
 * {@link MemoryResult} line with the process's whole Rss (not a delta) and its thread count.
 */
public final class IdleFootprintWorkload {
    public static final String AKKA = "idle:akka";
    public static final String STARTED = "idle:hpa4j";
    static final String USED = "idle:hpa4j-used";
    public static final List<String> VARIANTS = List.of(AKKA, STARTED, USED);

    private IdleFootprintWorkload() {}

    public static String label(String variant) {
        return switch (variant) {
            case AKKA -> "JVM + actor system";
            case STARTED -> "… + hpa4j started";
            case USED -> "… + hpa4j after one small and one page allocation, freed";
            default -> throw new IllegalArgumentException("no idle variant " + variant);
        };
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        label(variant); // refuses an unknown variant before anything starts
        ActorSystem<Void> system = BenchAkka.start("idle");
        Hpa4j hpa4j = null;
        if (!variant.equals(AKKA)) {
            hpa4j = Hpa4j.get(system); // the extension, as an application starts it
        }
        if (variant.equals(USED)) {
            hpa4j.freeNow(hpa4j.allocateNow(100));
            hpa4j.freeNow(hpa4j.allocateNow(4096));
        }
        // What the start allocated on the heap is in the pre-touched heap either way; the collections
        // leave only what stays.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(500);
        }
        NativeHeap.settle(NativeHeap.CHUNK_POOL_CLEANING_MILLIS + 500);
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("rss", new SmapsReader().readProcess().rss());
        out.put("threads", threads());
        System.out.println(new MemoryResult(variant, out).toLine());
        System.out.flush();
        BenchAkka.stop(system, hpa4j);
        System.exit(0);
    }

    private static long threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring("Threads:".length()).trim());
            }
        }
        return -1;
    }
}
