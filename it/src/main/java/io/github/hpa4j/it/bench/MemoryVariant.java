package io.github.hpa4j.it.bench;

import java.util.List;

/**
 * One allocator configuration of the memory-quality part, run in a JVM of its own.
 *
 * @param id    the command-line name passed to {@link MemoryQualityWorkload}
 * @param label the row name in the report
 */
record MemoryVariant(String id, String label) {
    /**
     * hpa4j in every hugify style with two shards (this machine's default), collapse with one shard
     * too, and the three allocators it is compared with.
     */
    static final List<MemoryVariant> ALL = List.of(
            new MemoryVariant("hpa4j:collapse:2", "hpa4j collapse, 2 shards"),
            new MemoryVariant("hpa4j:advise:2", "hpa4j advise, 2 shards"),
            new MemoryVariant("hpa4j:eager:2", "hpa4j eager, 2 shards"),
            new MemoryVariant("hpa4j:none:2", "hpa4j none, 2 shards"),
            new MemoryVariant("hpa4j:collapse:1", "hpa4j collapse, 1 shard"),
            new MemoryVariant("netty", "Netty pooled direct"),
            new MemoryVariant("direct", "ByteBuffer.allocateDirect"),
            new MemoryVariant("arena", "Arena.ofConfined"));

    boolean isHpa4j() {
        return id.startsWith("hpa4j:");
    }

    MemorySubject open() {
        if (isHpa4j()) {
            String[] parts = id.split(":");
            return new HpaMemorySubject(parts[1], Integer.parseInt(parts[2]));
        }
        return switch (id) {
            case "netty" -> new JdkMemorySubjects.NettyPooled();
            case "direct" -> new JdkMemorySubjects.AllocateDirect();
            case "arena" -> new JdkMemorySubjects.ConfinedArena();
            default -> throw new IllegalArgumentException("unknown memory variant " + id);
        };
    }

    static MemoryVariant byId(String id) {
        return ALL.stream().filter(v -> v.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown memory variant " + id));
    }
}
