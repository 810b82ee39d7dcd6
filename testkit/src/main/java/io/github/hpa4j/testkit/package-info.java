/**
 * Test support shared by the tests of every hpa4j module; not an API, never deployed.
 *
 * <p>The kit needs nothing but the JDK. core's own tests use it, and a kit that depended on core
 * would make a reactor cycle (core's tests on the kit, the kit on core), so nothing here names a
 * core type: {@link io.github.hpa4j.testkit.ManualClock} has core's one clock method,
 * {@code nanoTime()}, and a test hands it to core as {@code clock::nanoTime}, or through a
 * one-line subclass that also implements core's {@code Clock}. Helpers that need core, bridge or
 * Akka types stay with the module whose tests need them.
 */
package io.github.hpa4j.testkit;
