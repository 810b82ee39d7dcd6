package io.github.hpa4j.it.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * jemalloc's {@code malloc}, {@code free} and {@code mallctl} through FFM, for benchmarks only.
 *
 * <p>Why the symbols are looked up in the library itself: {@code Linker.defaultLookup()} resolves
 * {@code malloc} to glibc's even when jemalloc is preloaded (observed with jemalloc 5.3), so a
 * benchmark using it would silently measure glibc. {@link #describe()} names the file each symbol
 * was resolved in (dladdr), so every run prints which allocator it called.
 *
 * <p>jemalloc must be preloaded ({@code LD_PRELOAD}) rather than only opened here: preloaded, it
 * reads {@code MALLOC_CONF} at process start and serves the whole JVM, as in an application that
 * deploys it; opening it late also initialises it, but then some options (observed:
 * {@code hpa_slab_max_alloc}) do not take effect.
 */
public final class JemallocLibrary {
    /** Debian's and Ubuntu's libjemalloc2 (jemalloc 5.3). */
    static final Path PATH = Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");

    static final String INSTALL_HINT = "apt-get install -y libjemalloc2";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout DL_INFO = MemoryLayout.structLayout(
            ValueLayout.ADDRESS.withName("dli_fname"), ValueLayout.ADDRESS.withName("dli_fbase"),
            ValueLayout.ADDRESS.withName("dli_sname"), ValueLayout.ADDRESS.withName("dli_saddr"));

    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle mallctl;
    private final MemorySegment mallocSymbol;

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private JemallocLibrary(SymbolLookup lookup) {
        mallocSymbol = lookup.find("malloc").orElseThrow();
        malloc = LINKER.downcallHandle(
                mallocSymbol, FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        free = LINKER.downcallHandle(
                lookup.find("free").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
        mallctl = LINKER.downcallHandle(
                lookup.find("mallctl").orElseThrow(),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG));
    }

    /** Whether the library file is there at all (it is a benchmark peer, never a dependency). */
    public static boolean installed() {
        return Files.isReadable(PATH);
    }

    /** Why {@link #load()} would fail in this JVM, or empty when it would succeed. */
    static Optional<String> unavailability() {
        if (!installed()) {
            return Optional.of("jemalloc not installed (" + PATH + " missing; install it with `" + INSTALL_HINT + "`)");
        }
        String preload = System.getenv("LD_PRELOAD");
        if (preload == null || !preload.contains(PATH.getFileName().toString())) {
            return Optional.of("jemalloc not preloaded: start this JVM with LD_PRELOAD=" + PATH
                    + " (and MALLOC_CONF for its options)");
        }
        return Optional.empty();
    }

    /** The preloaded jemalloc; throws with {@link #unavailability()} when there is none. */
    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    public static JemallocLibrary load() {
        unavailability().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        return new JemallocLibrary(SymbolLookup.libraryLookup(PATH, Arena.global()));
    }

    /** An address from jemalloc's {@code malloc}, never 0. */
    public long malloc(long bytes) {
        long address;
        try {
            address = (long) malloc.invokeExact(bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("malloc(" + bytes + ")", t);
        }
        if (address == 0) {
            throw new OutOfMemoryError("jemalloc malloc(" + bytes + ") returned NULL");
        }
        return address;
    }

    public void free(long address) {
        try {
            free.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free(0x" + Long.toHexString(address) + ")", t);
        }
    }

    /** A boolean option or statistic by its mallctl name (e.g. {@code opt.hpa}). */
    boolean readBoolean(String name) {
        return (read(name, 1) & 0xff) != 0;
    }

    /** A {@code size_t} option or statistic (e.g. {@code opt.hpa_slab_max_alloc}). */
    long readSize(String name) {
        return read(name, 8);
    }

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    String version() {
        return MemorySegment.ofAddress(read("version", 8)).reinterpret(256).getString(0);
    }

    /** Which library {@code malloc} resolved to here and, for contrast, through the default lookup. */
    public String describe() {
        return "jemalloc " + version() + ": malloc resolved in " + libraryOf(mallocSymbol)
                + " (Linker.defaultLookup() would give "
                + LINKER.defaultLookup()
                        .find("malloc")
                        .map(JemallocLibrary::libraryOf)
                        .orElse("nothing") + "); opt.hpa=" + readBoolean("opt.hpa") + ", opt.hpa_slab_max_alloc="
                + readSize("opt.hpa_slab_max_alloc");
    }

    /** The option's bytes, zero-extended to a long (x86-64 is little-endian). */
    private long read(String name, int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
            length.set(ValueLayout.JAVA_LONG, 0, bytes);
            int error = (int) mallctl.invokeExact(arena.allocateFrom(name), value, length, MemorySegment.NULL, 0L);
            if (error != 0) {
                throw new IllegalStateException("mallctl(\"" + name + "\") failed with error " + error);
            }
            return value.get(ValueLayout.JAVA_LONG, 0);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mallctl(\"" + name + "\")", t);
        }
    }

    // Restricted FFM call, allowed at run time by --enable-native-access (hpa4j.jvm.flags).
    @SuppressWarnings("restricted")
    private static String libraryOf(MemorySegment symbol) {
        try (Arena arena = Arena.ofConfined()) {
            MethodHandle dladdr = LINKER.downcallHandle(
                    LINKER.defaultLookup().find("dladdr").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MemorySegment info = arena.allocate(DL_INFO);
            int found = (int) dladdr.invokeExact(symbol, info);
            if (found == 0) {
                return "an unknown library";
            }
            return info.get(ValueLayout.ADDRESS, 0).reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "an unknown library (" + t + ")";
        }
    }
}
