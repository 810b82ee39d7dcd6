package io.github.hpa4j.it.bench;

import java.util.List;

/**
 * The jemalloc configurations the suite compares, each a {@code MALLOC_CONF} a JVM is started with.
 *
 * <p>Why two HPA rows: jemalloc 5.3 pads every large allocation by one page (cache-oblivious
 * placement), so a 64 KiB block asks for a 68 KiB extent, above the HPA's default
 * {@code hpa_slab_max_alloc} of 64 KiB, and goes to the older page allocator (PAC). Raising the
 * limit to 68 KiB lets the HPA serve every size hpa4j serves.
 *
 * @param id          the JMH parameter value and the memory variant suffix
 * @param mallocConf  the {@code MALLOC_CONF} value
 * @param label       the row name in the report
 * @param hpa         the {@code opt.hpa} this configuration must show once in effect
 * @param slabMaxAlloc the {@code opt.hpa_slab_max_alloc} it must show
 */
public record JemallocConfig(String id, String mallocConf, String label, boolean hpa, long slabMaxAlloc) {
    public static final JemallocConfig HPA_68K = new JemallocConfig(
            "hpa-68k", "hpa:true,hpa_slab_max_alloc:69632", "jemalloc HPA, slab max 68 KiB", true, 69632);
    public static final JemallocConfig HPA =
            new JemallocConfig("hpa", "hpa:true", "jemalloc HPA, slab max 64 KiB", true, 65536);
    public static final JemallocConfig OFF =
            new JemallocConfig("off", "hpa:false", "jemalloc without HPA", false, 65536);

    static final List<JemallocConfig> ALL = List.of(HPA_68K, HPA, OFF);

    public static JemallocConfig byId(String id) {
        return ALL.stream()
                .filter(c -> c.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown jemalloc configuration " + id + "; one of "
                        + ALL.stream().map(JemallocConfig::id).toList()));
    }

    /** Fails unless the preloaded jemalloc runs with this configuration (MALLOC_CONF can be mistyped). */
    public void verify(JemallocLibrary jemalloc) {
        boolean actualHpa = jemalloc.readBoolean("opt.hpa");
        long actualMax = jemalloc.readSize("opt.hpa_slab_max_alloc");
        if (actualHpa != hpa || actualMax != slabMaxAlloc) {
            throw new IllegalStateException("jemalloc runs with opt.hpa=" + actualHpa + ", opt.hpa_slab_max_alloc="
                    + actualMax + ", not " + id + " (MALLOC_CONF=" + mallocConf + "); MALLOC_CONF in this JVM is "
                    + System.getenv("MALLOC_CONF"));
        }
    }

    /** The environment a JVM needs to run on jemalloc with this configuration. */
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("LD_PRELOAD", JemallocLibrary.PATH.toString(), "MALLOC_CONF", mallocConf);
    }
}
