package io.github.hpa4j.core;

/**
 * An extent handed out for a zeroed request.
 *
 * @param extent  the allocation
 * @param toClear its pages that may hold old data; the caller clears them, the rest read as zero
 */
public record ZeroedExtent(Extent extent, PagesToClear toClear) {}
