package io.github.hpa4j.bridge;

/**
 * How {@link io.github.hpa4j.core.PageHooks#hugify} asks the kernel for hugepages, like newer
 * jemalloc's {@code hpa_hugify_style}. Measured coverage on this machine is in the bridge README.
 */
public enum HugifyStyle {
    /**
     * {@code madvise(MADV_HUGEPAGE)} only. Pages not yet touched fault in as hugepages (THP
     * {@code enabled=madvise}, {@code defrag=madvise} compacts synchronously); pages already backed
     * by 4 KiB frames wait for khugepaged, which scans slowly (4096 pages per 10 s by default).
     */
    ADVISE,
    /**
     * {@code MADV_HUGEPAGE} then {@code MADV_COLLAPSE}: synchronous, collapses already-touched 4 KiB
     * pages into a hugepage now (about 5 ms per 2 MiB here). When the kernel refuses (EAGAIN, EINVAL,
     * ENOMEM, ...) the advice stays in place, the failure is counted, and no exception is raised.
     */
    COLLAPSE,
    /**
     * {@code MADV_HUGEPAGE} on the whole region at map time, so madvise never splits a VMA (the
     * process has at most {@code vm.max_map_count} VMAs); hugify and dehugify are counted no-ops.
     * Cost: a purged hugepage stays eligible for khugepaged, which may re-collapse it (and re-grow
     * RSS) because {@code khugepaged/max_ptes_none} is 511 by default.
     */
    EAGER,
    /** hugify and dehugify are counted no-ops: the kernel's own THP mode decides. */
    NONE
}
