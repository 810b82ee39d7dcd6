package io.github.hpa4j.it.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory-quality workload, identical for every allocator: the same seed draws the same sizes
 * and the same victims.
 *
 * @param seed             for sizes (whole pages, 1 to 16 pages, uniform) and for what is freed
 * @param workingSetBytes  grow until this many bytes are live
 * @param churnOps         then free a random block and allocate a new one, this many times; as many
 *                         on a small ring before the baseline, to warm the allocator up
 * @param holdMillis       keep the working set this long: longer than hpa4j's hugify delay (10 s),
 *                         so that dense slabs are hugified before the loaded reading
 * @param waitMillis       after freeing 90 %, wait this long: one purge interval (5 s) and a margin;
 *                         as long before the baseline, for the JVM to settle after the warm-up
 */
public record MemoryWorkloadSpec(long seed, long workingSetBytes, int churnOps, long holdMillis, long waitMillis) {

    List<String> toArgs() {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(seed));
        args.add(Long.toString(workingSetBytes));
        args.add(Integer.toString(churnOps));
        args.add(Long.toString(holdMillis));
        args.add(Long.toString(waitMillis));
        return args;
    }

    public static MemoryWorkloadSpec fromArgs(String[] args, int from) {
        return new MemoryWorkloadSpec(
                Long.parseLong(args[from]),
                Long.parseLong(args[from + 1]),
                Integer.parseInt(args[from + 2]),
                Long.parseLong(args[from + 3]),
                Long.parseLong(args[from + 4]));
    }
}
