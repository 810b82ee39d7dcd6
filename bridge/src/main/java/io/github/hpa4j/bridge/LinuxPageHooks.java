package io.github.hpa4j.bridge;

import io.github.hpa4j.bridge.PageHookCounters.PageCall;
import io.github.hpa4j.core.Pages;
import java.util.Objects;

/**
 * {@link io.github.hpa4j.core.PageHooks} on Linux: anonymous mmap aligned to the hugepage size,
 * munmap, madvise(MADV_DONTNEED) to purge and MADV_HUGEPAGE / MADV_COLLAPSE / MADV_NOHUGEPAGE as the
 * {@link HugifyStyle} says. Stateless apart from counters: safe for concurrent calls on different
 * ranges. Every failure is a {@link NativeCallException} (errno named) or an
 * {@link IllegalPageRangeException} (refused before the call).
 */
public final class LinuxPageHooks implements CountedPageHooks {
    private static final System.Logger LOG = System.getLogger(LinuxPageHooks.class.getName());
    static final int PROT = Syscalls.PROT_READ | Syscalls.PROT_WRITE;
    /**
     * MAP_NORESERVE: the allocator maps far more than it touches (jemalloc's eden grows by many
     * hugepages); without it, strict overcommit accounting would charge the untouched part too.
     */
    static final int FLAGS = Syscalls.MAP_PRIVATE | Syscalls.MAP_ANONYMOUS | Syscalls.MAP_NORESERVE;

    private static final String MMAP_FLAGS_TEXT =
            "PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0";

    private final HugifyStyle style;
    private final Syscalls syscalls;
    private final PageHookCounters counters = new PageHookCounters();

    /**
     * Hooks on the real system calls. Fails fast with the reason when {@link ThpSupport#isAvailable()}
     * is false.
     *
     * @param style how hugify and dehugify advise the kernel
     */
    public LinuxPageHooks(HugifyStyle style) {
        this(style, checkedSyscalls());
    }

    LinuxPageHooks(HugifyStyle style, Syscalls syscalls) {
        this.style = Objects.requireNonNull(style, "style");
        this.syscalls = Objects.requireNonNull(syscalls, "syscalls");
    }

    private static Syscalls checkedSyscalls() {
        ThpSupport.ensureAvailability();
        return LinuxSyscalls.INSTANCE;
    }

    /** {@return how hugify and dehugify advise the kernel} */
    public HugifyStyle style() {
        return style;
    }

    @Override
    public long map(long size) {
        return counters.map(size, () -> mapAligned(size));
    }

    /**
     * jemalloc's pages_map over-map-and-trim: map {@code size + HUGEPAGE - PAGE} (mmap returns page
     * alignment, so an aligned start lies within the first HUGEPAGE - PAGE bytes), then unmap the
     * unaligned head and tail. Consecutive maps land directly below the previous one, so our regions
     * end up adjacent and the kernel merges them into one VMA (see {@link SmapsReader}).
     *
     * <p>MADV_DONTFORK on the whole region: observed here, a plain region merged with the read-write
     * part of an adjacent glibc malloc arena (also private, anonymous, MAP_NORESERVE), which made the
     * smaps reading of our regions approximate. VM_DONTCOPY is a flag nobody else sets, so our VMAs
     * only merge with each other. Side effect, harmless for the JVM (it spawns, never forks without
     * exec): a forked child does not inherit the allocator's memory, and fork skips copying its page
     * tables.
     */
    private long mapAligned(long size) {
        long overSize = size + Pages.HUGEPAGE - Pages.PAGE;
        long raw = syscalls.mmap(overSize, PROT, FLAGS);
        if (raw < 0) {
            throw new NativeCallException(
                    "map", 0, size, "mmap(0, " + overSize + ", " + MMAP_FLAGS_TEXT + ")", (int) -raw);
        }
        long aligned = (raw + Pages.HUGEPAGE_MASK) & ~Pages.HUGEPAGE_MASK;
        long head = aligned - raw;
        long tail = overSize - head - size;
        try {
            if (head > 0) {
                munmapOrThrow("map", raw, head);
            }
            if (tail > 0) {
                munmapOrThrow("map", aligned + size, tail);
            }
            madviseOrThrow("map", aligned, size, Syscalls.MADV_DONTFORK);
            if (style == HugifyStyle.EAGER) {
                madviseOrThrow("map", aligned, size, Syscalls.MADV_HUGEPAGE);
            }
        } catch (NativeCallException e) {
            syscalls.munmap(raw, overSize); // best effort: never leak the reservation
            throw e;
        }
        return aligned;
    }

    @Override
    public void unmap(long address, long size) {
        counters.count(PageCall.UNMAP, address, size, () -> munmapOrThrow("unmap", address, size));
    }

    /** MADV_DONTNEED on private anonymous memory: the next read faults in a zero page. */
    @Override
    public void purge(long address, long size) {
        counters.count(
                PageCall.PURGE, address, size, () -> madviseOrThrow("purge", address, size, Syscalls.MADV_DONTNEED));
    }

    @Override
    public void hugify(long address, long size) {
        counters.count(PageCall.HUGIFY, address, size, () -> {
            switch (style) {
                case ADVISE -> madviseOrThrow("hugify", address, size, Syscalls.MADV_HUGEPAGE);
                case COLLAPSE -> {
                    // Advise first: it is the fallback when the collapse is refused, and it keeps
                    // later faults in the range huge.
                    madviseOrThrow("hugify", address, size, Syscalls.MADV_HUGEPAGE);
                    collapse(address, size);
                }
                case EAGER, NONE -> {
                    // EAGER advised the whole region at map time; NONE leaves THP to the kernel.
                }
            }
        });
    }

    /**
     * MADV_COLLAPSE refusals are normal (EAGAIN when pages are busy or locked, ENOMEM when no
     * hugepage could be allocated or charged, EINVAL when no page of the range was touched yet, as
     * observed here, or before kernel 6.1): the range stays advised, so
     * khugepaged or the next faults may still make it huge. Count it and let the policy go on.
     */
    private void collapse(long address, long size) {
        int result = syscalls.madvise(address, size, Syscalls.MADV_COLLAPSE);
        if (result < 0) {
            counters.collapseFailures.increment();
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "MADV_COLLAPSE of 0x" + Long.toHexString(address) + " + " + size + " refused: "
                                + Errno.name(-result) + "; the range stays advised");
            }
        } else {
            counters.collapses.increment();
        }
    }

    /**
     * MADV_NOHUGEPAGE before purging part of a hugepage: without it khugepaged (max_ptes_none 511 by
     * default) could collapse the mostly-empty range again and bring the purged memory back.
     */
    @Override
    public void dehugify(long address, long size) {
        counters.count(PageCall.DEHUGIFY, address, size, () -> {
            if (style == HugifyStyle.ADVISE || style == HugifyStyle.COLLAPSE) {
                madviseOrThrow("dehugify", address, size, Syscalls.MADV_NOHUGEPAGE);
            }
        });
    }

    @Override
    public PageHookStats stats() {
        return counters.snapshot();
    }

    @Override
    public boolean backsHugepages() {
        return style != HugifyStyle.NONE;
    }

    private void munmapOrThrow(String operation, long address, long length) {
        int result = syscalls.munmap(address, length);
        if (result < 0) {
            throw new NativeCallException(
                    operation, address, length, "munmap(0x" + Long.toHexString(address) + ", " + length + ")", -result);
        }
    }

    private void madviseOrThrow(String operation, long address, long length, int advice) {
        int result = syscalls.madvise(address, length, advice);
        if (result < 0) {
            throw new NativeCallException(
                    operation,
                    address,
                    length,
                    "madvise(0x" + Long.toHexString(address) + ", " + length + ", " + Syscalls.adviceName(advice) + ")",
                    -result);
        }
    }

    @Override
    public String toString() {
        return "LinuxPageHooks[" + style + "]";
    }
}
