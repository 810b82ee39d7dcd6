package io.github.hpa4j.core;

/**
 * jemalloc's {@code hpdata_purge_state_t}: what a purge decided at its beginning, carried while
 * the shard is "unlocked" (while the page worker purges) and applied at the end.
 */
final class PurgeState {
    int npurged;
    int ndirtyToPurge;
    int nextPurgeSearchBegin;
    final FlatBitmap toPurge = new FlatBitmap(Pages.HUGEPAGE_PAGES);
    /* Scratch for purgeBegin; kept here so that beginning a purge allocates nothing else. */
    final FlatBitmap dirtyPages = new FlatBitmap(Pages.HUGEPAGE_PAGES);
}
