package io.github.hpa4j.core;

/**
 * What a shard grows from. {@link Eden} in production and in the synchronous path; the actors
 * instead ask the eden actor and hand the slab to {@link Shard#addSlab}.
 */
@FunctionalInterface
interface SlabSource {
    /** A fresh empty slab, or {@link EdenExhaustedException}. */
    PageSlab extract();
}
