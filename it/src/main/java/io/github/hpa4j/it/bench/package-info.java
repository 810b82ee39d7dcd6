/** Benchmarks (JMH speed suite, per-JVM memory-quality workload) and the driver that writes docs/BENCHMARKS.md. */
package io.github.hpa4j.it.bench;
