package io.github.hpa4j.bridge;

import static io.github.hpa4j.bridge.RealMemory.SLAB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.core.PageOperationException;
import io.github.hpa4j.core.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Refused arguments, errno paths, MADV_COLLAPSE refusals and errno capture under concurrency. */
class PageHookErrorsTest {
    /** Never mapped: below vm.mmap_min_addr (64 KiB), so madvise there is always ENOMEM. */
    private static final long UNMAPPED = 0x1000;
    /** Page-aligned but beyond any user address space: munmap there is always EINVAL. */
    private static final long BEYOND_USER_SPACE = 1L << 62;

    /** Fails the test if any system call is attempted. */
    private static final Syscalls NO_SYSCALL = new Syscalls() {
        @Override
        public long mmap(long length, int prot, int flags) {
            throw new AssertionError("mmap called");
        }

        @Override
        public int munmap(long address, long length) {
            throw new AssertionError("munmap called");
        }

        @Override
        public int madvise(long address, long length, int advice) {
            throw new AssertionError("madvise called");
        }
    };

    @Test
    void shouldRefuseImpossibleArgumentsBeforeAnySystemCall() {
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.COLLAPSE, NO_SYSCALL);
        long aligned = 64 * SLAB;
        List<Executable> refused = List.of(
                () -> hooks.map(0),
                () -> hooks.map(-SLAB),
                () -> hooks.map(Pages.PAGE),
                () -> hooks.map(SLAB + Pages.PAGE),
                () -> hooks.map(Long.MAX_VALUE & ~Pages.HUGEPAGE_MASK),
                () -> hooks.unmap(aligned + 1, Pages.PAGE),
                () -> hooks.unmap(aligned, 0),
                () -> hooks.unmap(aligned, -Pages.PAGE),
                () -> hooks.unmap(aligned, Pages.PAGE + 1),
                () -> hooks.unmap(0, Pages.PAGE),
                () -> hooks.purge(aligned + 512, Pages.PAGE),
                () -> hooks.purge(aligned, 100),
                () -> hooks.hugify(aligned + Pages.PAGE / 2, SLAB),
                () -> hooks.hugify(aligned, 0),
                () -> hooks.dehugify(aligned, -1),
                () -> hooks.dehugify(-Pages.PAGE, Pages.PAGE));

        for (Executable call : refused) {
            IllegalPageRangeException e = assertThrows(IllegalPageRangeException.class, call);
            assertNull(e.errorName(), "refused calls never reached the OS");
        }
        assertEquals(refused.size(), hooks.stats().errors());
    }

    @Test
    void shouldNameOperationRangeAndReasonWhenRefusing() {
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE, NO_SYSCALL);

        IllegalPageRangeException e =
                assertThrows(IllegalPageRangeException.class, () -> hooks.purge(0x7f0000000100L, Pages.PAGE));

        assertEquals("purge", e.operation());
        assertEquals(0x7f0000000100L, e.address());
        assertEquals(Pages.PAGE, e.length());
        assertTrue(e.getMessage().contains("not aligned"), e.getMessage());
    }

    @Test
    void shouldReportEnomemWhenPurgingUnmappedRange() {
        RealMemory.assumeLinuxThp();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE);

        NativeCallException e = assertThrows(NativeCallException.class, () -> hooks.purge(UNMAPPED, Pages.PAGE));

        assertEquals("ENOMEM", e.errorName());
        assertEquals(Errno.ENOMEM, e.errno());
        assertEquals("madvise(0x1000, 4096, MADV_DONTNEED)", e.call());
        assertEquals("purge", e.operation());
        assertEquals(1, hooks.stats().errors());
        assertEquals(0, hooks.stats().purgeCalls());
    }

    @Test
    void shouldReportEnomemWhenHugifyingOrDehugifyingUnmappedRange() {
        RealMemory.assumeLinuxThp();
        for (HugifyStyle style : List.of(HugifyStyle.ADVISE, HugifyStyle.COLLAPSE)) {
            LinuxPageHooks hooks = new LinuxPageHooks(style);

            NativeCallException hugify =
                    assertThrows(NativeCallException.class, () -> hooks.hugify(UNMAPPED, Pages.PAGE));
            NativeCallException dehugify =
                    assertThrows(NativeCallException.class, () -> hooks.dehugify(UNMAPPED, Pages.PAGE));

            assertEquals("ENOMEM", hugify.errorName());
            assertTrue(hugify.call().endsWith("MADV_HUGEPAGE)"), hugify.call());
            assertEquals("ENOMEM", dehugify.errorName());
            assertTrue(dehugify.call().endsWith("MADV_NOHUGEPAGE)"), dehugify.call());
        }
    }

    @Test
    void shouldReportEinvalWhenUnmappingBeyondUserAddressSpace() {
        RealMemory.assumeLinuxThp();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE);

        NativeCallException e = assertThrows(NativeCallException.class, () -> hooks.unmap(BEYOND_USER_SPACE, SLAB));

        assertEquals("EINVAL", e.errorName());
        assertTrue(e.getMessage().contains("munmap(0x4000000000000000, 2097152)"), e.getMessage());
    }

    @Test
    void shouldReportEnomemWhenMappingMoreThanTheAddressSpace() {
        RealMemory.assumeLinuxThp();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE);

        NativeCallException e = assertThrows(NativeCallException.class, () -> hooks.map(1L << 50));

        assertEquals("ENOMEM", e.errorName());
        assertEquals("map", e.operation());
        assertTrue(
                e.call().startsWith("mmap(0, " + ((1L << 50) + SLAB - Pages.PAGE) + ", PROT_READ|PROT_WRITE"),
                e.call());
    }

    @Test
    void shouldFallBackToAdviceAndCountWhenKernelRefusesCollapse() {
        RealMemory.assumeLinuxThp();
        List<Integer> advices = new ArrayList<>();
        Syscalls refusingCollapse = new Syscalls() {
            @Override
            public long mmap(long length, int prot, int flags) {
                return LinuxSyscalls.INSTANCE.mmap(length, prot, flags);
            }

            @Override
            public int munmap(long address, long length) {
                return LinuxSyscalls.INSTANCE.munmap(address, length);
            }

            @Override
            public int madvise(long address, long length, int advice) {
                advices.add(advice);
                return advice == MADV_COLLAPSE
                        ? -Errno.EAGAIN
                        : LinuxSyscalls.INSTANCE.madvise(address, length, advice);
            }
        };
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.COLLAPSE, refusingCollapse);
        long address = hooks.map(SLAB);
        advices.clear(); // map's MADV_DONTFORK
        try {
            hooks.hugify(address, SLAB);

            assertEquals(List.of(Syscalls.MADV_HUGEPAGE, Syscalls.MADV_COLLAPSE), advices);
            PageHookStats stats = hooks.stats();
            assertEquals(1, stats.collapseFailures());
            assertEquals(0, stats.collapses());
            assertEquals(1, stats.hugifyCalls(), "a refused collapse is still a successful hugify (advised)");
            assertEquals(0, stats.errors());
        } finally {
            hooks.unmap(address, SLAB);
        }
    }

    /** Observed here: MADV_COLLAPSE of a range with no page touched yet is refused with EINVAL. */
    @Test
    void shouldCountRealCollapseRefusalOfUntouchedSlabAndKeepTheAdvice() {
        RealMemory.assumeMadvisedFaultsAreHuge();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.COLLAPSE);
        long address = hooks.map(SLAB);
        try {
            hooks.hugify(address, SLAB);
            RealMemory.touchEveryPage(address, SLAB, 1);

            assertEquals(1, hooks.stats().collapseFailures());
            assertEquals(0, hooks.stats().errors());
            assertEquals(
                    SLAB, RealMemory.smapsOf(address, SLAB).anonHugePages(), "the advice made the first touch huge");
        } finally {
            hooks.unmap(address, SLAB);
        }
    }

    @Test
    void shouldMakeNoSystemCallForEagerHugifyAndDehugify() {
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.EAGER, NO_SYSCALL);

        hooks.hugify(64 * SLAB, SLAB);
        hooks.dehugify(64 * SLAB, SLAB);

        assertEquals(1, hooks.stats().hugifyCalls());
        assertEquals(1, hooks.stats().dehugifyCalls());
    }

    @Test
    void shouldUnmapWholeOverMappingWhenTrimFails() {
        List<long[]> unmaps = new ArrayList<>();
        long raw = 64 * SLAB + Pages.PAGE; // unaligned, so there is a head to trim
        Syscalls failingTrim = new Syscalls() {
            @Override
            public long mmap(long length, int prot, int flags) {
                return raw;
            }

            @Override
            public int munmap(long address, long length) {
                unmaps.add(new long[] {address, length});
                return unmaps.size() == 1 ? -Errno.EINVAL : 0;
            }

            @Override
            public int madvise(long address, long length, int advice) {
                throw new AssertionError();
            }
        };
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE, failingTrim);

        NativeCallException e = assertThrows(NativeCallException.class, () -> hooks.map(SLAB));

        assertEquals("map", e.operation());
        assertEquals(2, unmaps.size());
        assertEquals(raw, unmaps.get(1)[0]);
        assertEquals(2 * SLAB - Pages.PAGE, unmaps.get(1)[1], "the whole over-mapping is released");
    }

    @Test
    void shouldTrimHeadAndTailToAHugepageAlignedRange() {
        List<long[]> unmaps = new ArrayList<>();
        long raw = 64 * SLAB + 5 * Pages.PAGE;
        Syscalls recording = new Syscalls() {
            @Override
            public long mmap(long length, int prot, int flags) {
                assertEquals(3 * SLAB + SLAB - Pages.PAGE, length);
                assertEquals(LinuxPageHooks.FLAGS, flags);
                return raw;
            }

            @Override
            public int munmap(long address, long length) {
                unmaps.add(new long[] {address, length});
                return 0;
            }

            @Override
            public int madvise(long address, long length, int advice) {
                assertEquals(Syscalls.MADV_DONTFORK, advice);
                assertEquals(65 * SLAB, address);
                assertEquals(3 * SLAB, length);
                return 0;
            }
        };

        long address = new LinuxPageHooks(HugifyStyle.ADVISE, recording).map(3 * SLAB);

        assertEquals(65 * SLAB, address);
        assertEquals(SLAB - 5 * Pages.PAGE, unmaps.get(0)[1], "head");
        assertEquals(address + 3 * SLAB, unmaps.get(1)[0]);
        assertEquals(4 * Pages.PAGE, unmaps.get(1)[1], "tail");
    }

    /** A shared errno segment would let one thread read the other's errno: each must see its own. */
    @Test
    void shouldCaptureErrnoPerThreadUnderConcurrentFailures() throws Exception {
        RealMemory.assumeLinuxThp();
        LinuxPageHooks hooks = new LinuxPageHooks(HugifyStyle.ADVISE);
        int rounds = 2_000;
        Callable<String> enomem = () -> repeatFailure(rounds, () -> hooks.purge(UNMAPPED, Pages.PAGE), "ENOMEM");
        Callable<String> einval =
                () -> repeatFailure(rounds, () -> hooks.unmap(BEYOND_USER_SPACE, Pages.PAGE), "EINVAL");

        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<String>> results = pool.invokeAll(List.of(enomem, einval, enomem, einval));
            for (Future<String> result : results) {
                assertEquals("ok", result.get());
            }
        }
        assertEquals(4L * rounds, hooks.stats().errors());
    }

    private static String repeatFailure(int rounds, Executable call, String expected) {
        for (int i = 0; i < rounds; i++) {
            try {
                call.execute();
                return "no failure";
            } catch (Throwable t) {
                PageOperationException e = assertInstanceOf(NativeCallException.class, t);
                if (!expected.equals(e.errorName())) {
                    return "round " + i + ": expected " + expected + ", got " + e.errorName();
                }
            }
        }
        return "ok";
    }

    @Test
    void shouldNameKnownAndUnknownErrnoValues() {
        assertEquals("EINVAL", Errno.name(22));
        assertEquals("ENOMEM", Errno.name(12));
        assertEquals("EAGAIN", Errno.name(11));
        assertEquals("errno 4242", Errno.name(4242));
    }
}
