/** Real memory for hpa4j: mmap/munmap/madvise page hooks through java.lang.foreign, THP facts, smaps readings and a portable fallback. */
package io.github.hpa4j.bridge;
