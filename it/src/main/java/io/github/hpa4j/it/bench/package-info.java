/**
 * The benchmark suite that writes docs/BENCHMARKS.md: its driver and sections (the suites), the
 * child-JVM plumbing and allocator variants the memory workloads run under, and the tables,
 * charts and verdicts of the report. The JMH benchmarks are in {@code jmh}, the workloads that run
 * in child JVMs in {@code workload}.
 */
package io.github.hpa4j.it.bench;
