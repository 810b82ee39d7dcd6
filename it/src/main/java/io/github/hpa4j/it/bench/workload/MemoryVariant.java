package io.github.hpa4j.it.bench.workload;

import io.github.hpa4j.it.bench.JemallocConfig;
import io.github.hpa4j.it.bench.JemallocLibrary;
import java.util.List;

/**
 * One allocator configuration of the memory-quality part, run in a JVM of its own.
 *
 * @param id    the command-line name passed to {@link MemoryQualityWorkload}
 * @param label the row name in the report
 */
public record MemoryVariant(String id, String label) {
    /**
     * hpa4j in every hugify style with two shards (this machine's default), collapse with one shard
     * too, the three Java allocators it is compared with, glibc's malloc, and jemalloc itself in its
     * three configurations.
     */
    public static final List<MemoryVariant> ALL = List.of(
            new MemoryVariant("hpa4j:collapse:2", "hpa4j collapse, 2 shards"),
            new MemoryVariant("hpa4j:collapse:2:jemalloc", "hpa4j collapse, 2 shards, jemalloc's hugify policy"),
            new MemoryVariant("hpa4j:advise:2", "hpa4j advise, 2 shards"),
            new MemoryVariant("hpa4j:eager:2", "hpa4j eager, 2 shards"),
            new MemoryVariant("hpa4j:none:2", "hpa4j none, 2 shards"),
            new MemoryVariant("hpa4j:collapse:1", "hpa4j collapse, 1 shard"),
            new MemoryVariant("netty", "Netty pooled direct"),
            new MemoryVariant("direct", "ByteBuffer.allocateDirect"),
            new MemoryVariant("arena", "Arena.ofConfined"),
            new MemoryVariant("glibc", "glibc malloc (+ malloc_trim)"),
            new MemoryVariant("jemalloc:hpa-68k", JemallocConfig.HPA_68K.label()),
            new MemoryVariant("jemalloc:hpa", JemallocConfig.HPA.label()),
            new MemoryVariant("jemalloc:off", JemallocConfig.OFF.label()));

    /** Run only by the random-access and mixed-size workloads. */
    static final List<MemoryVariant> EXTRA = List.of(new MemoryVariant("netty-adaptive", "Netty adaptive direct"));

    public boolean isHpa4j() {
        return id.startsWith("hpa4j:");
    }

    boolean isJemalloc() {
        return id.startsWith("jemalloc:");
    }

    JemallocConfig jemallocConfig() {
        return JemallocConfig.byId(id.substring("jemalloc:".length()));
    }

    /** Whether this machine can run the variant: jemalloc is a benchmark peer that may be missing. */
    public boolean available() {
        return !isJemalloc() || JemallocLibrary.installed();
    }

    /** What the variant's JVM needs in its environment: jemalloc preloaded with its MALLOC_CONF. */
    public java.util.Map<String, String> environment() {
        return isJemalloc() ? jemallocConfig().environment() : java.util.Map.of();
    }

    public MemorySubject open() {
        if (isJemalloc()) {
            return new JemallocMemorySubject(jemallocConfig());
        }
        if (isHpa4j()) {
            // hpa4j:<hugify style>:<shards>[:<hugify policy>]
            String[] parts = id.split(":", -1);
            return new HpaMemorySubject(parts[1], Integer.parseInt(parts[2]), parts.length > 3 ? parts[3] : "growth");
        }
        return switch (id) {
            case "netty" -> new JdkMemorySubjects.NettyPooled();
            case "netty-adaptive" -> new JdkMemorySubjects.NettyAdaptive();
            case "direct" -> new JdkMemorySubjects.AllocateDirect();
            case "arena" -> new JdkMemorySubjects.ConfinedArena();
            case "glibc" -> new GlibcMemorySubject();
            default -> throw new IllegalArgumentException("unknown memory variant " + id);
        };
    }

    public static MemoryVariant byId(String id) {
        return java.util.stream.Stream.concat(ALL.stream(), EXTRA.stream())
                .filter(v -> v.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown memory variant " + id));
    }
}
