package io.github.hpa4j.bridge;

/**
 * Names of the errno values mmap, munmap and madvise can return. The values are the asm-generic ones,
 * identical on Linux x86_64 and aarch64, the only architectures the bridge accepts.
 */
public final class Errno {
    /** Operation not permitted (madvise: MADV_HWPOISON without CAP_SYS_ADMIN). */
    public static final int EPERM = 1;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Bad file descriptor (mmap of a file; never for anonymous memory). */
    public static final int EBADF = 9;
    /** Try again: the kernel could not get the resources now (mlock limits, MADV_COLLAPSE). */
    public static final int EAGAIN = 11;
    /** Out of memory, or the range is not mapped, or the map count limit is reached. */
    public static final int ENOMEM = 12;
    /** Permission denied by the mapping's protection. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Device or resource busy (MADV_COLLAPSE could not isolate a page). */
    public static final int EBUSY = 16;
    /** Exists already (MAP_FIXED_NOREPLACE). */
    public static final int EEXIST = 17;
    /** No such device: the file system does not support memory mapping. */
    public static final int ENODEV = 19;
    /** Invalid argument: an unaligned address or length, or advice the kernel does not know. */
    public static final int EINVAL = 22;
    /** Too many open files in the system. */
    public static final int ENFILE = 23;
    /** Too many open files, or too many mappings. */
    public static final int EMFILE = 24;
    /** No space left (mprotect or mmap past the map count). */
    public static final int ENOSPC = 28;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Value too large: the offset plus length overflow. */
    public static final int EOVERFLOW = 75;
    /** Operation not supported (advice the kernel was built without). */
    public static final int EOPNOTSUPP = 95;
    /** Memory page has a hardware error. */
    public static final int EHWPOISON = 133;

    private Errno() {}

    /**
     * {@return the symbolic name, or {@code "errno <n>"} for a value outside the table}
     *
     * @param errno the value errno held after the call
     */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case ENOSYS -> "ENOSYS";
            case EOVERFLOW -> "EOVERFLOW";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EHWPOISON -> "EHWPOISON";
            default -> "errno " + errno;
        };
    }
}
