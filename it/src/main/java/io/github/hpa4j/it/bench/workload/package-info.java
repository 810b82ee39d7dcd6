/**
 * The memory workloads, each the main class of a child JVM of its own (memory quality, mixed sizes,
 * random access, idle footprint, page-work latency), and what they measure with: one {@code
 * MemorySubject} an allocator, the Rss sampler, the C-heap trim, the latency probe and the hooks
 * that tell it a purge is running. The suite in the parent package starts them and reads the one
 * result line each prints.
 */
package io.github.hpa4j.it.bench.workload;
