/** Real memory for hpa4j: mmap/munmap/madvise page hooks through java.lang.foreign, THP facts, smaps readings, and portable hooks for a configuration that asks for them. */
package io.github.hpa4j.bridge;
