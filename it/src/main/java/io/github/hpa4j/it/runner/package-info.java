/**
 * The workload runner: an embedded actor system with hpa4j, clients driving phases of allocation,
 * a progress line per second, and a final text report with a PNG timeline.
 */
package io.github.hpa4j.it.runner;
