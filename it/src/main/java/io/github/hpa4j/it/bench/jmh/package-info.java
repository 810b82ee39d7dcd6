/**
 * The JMH benchmarks of the speed suite, one class an allocator or a floor, and the per-thread
 * state and client actors they share. JMH finds them by this package's name; the suite in the
 * parent package runs them and reads their results.
 */
package io.github.hpa4j.it.bench.jmh;
