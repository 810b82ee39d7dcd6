package io.github.hpa4j.bridge;

/**
 * The three Linux calls the hooks make, in the raw-syscall convention: a negative result is
 * {@code -errno}. Stateless, so callers on several threads never share an errno. A seam so tests can
 * inject kernel refusals (MADV_COLLAPSE) that cannot be provoked on demand.
 */
interface Syscalls {
    int PROT_READ = 0x1;
    int PROT_WRITE = 0x2;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;

    int MADV_DONTNEED = 4;
    int MADV_DONTFORK = 10;
    int MADV_DOFORK = 11;
    int MADV_HUGEPAGE = 14;
    int MADV_NOHUGEPAGE = 15;
    int MADV_COLLAPSE = 25;

    /** Anonymous private mmap at a kernel-chosen address; the address, or -errno. */
    long mmap(long length, int prot, int flags);

    /** 0, or -errno. */
    int munmap(long address, long length);

    /** 0, or -errno. */
    int madvise(long address, long length, int advice);

    static String adviceName(int advice) {
        return switch (advice) {
            case MADV_DONTNEED -> "MADV_DONTNEED";
            case MADV_DONTFORK -> "MADV_DONTFORK";
            case MADV_DOFORK -> "MADV_DOFORK";
            case MADV_HUGEPAGE -> "MADV_HUGEPAGE";
            case MADV_NOHUGEPAGE -> "MADV_NOHUGEPAGE";
            case MADV_COLLAPSE -> "MADV_COLLAPSE";
            default -> Integer.toString(advice);
        };
    }
}
