package io.github.hpa4j.it;

import java.util.List;

/**
 * What one client did.
 *
 * @param name        the client's name
 * @param operations  extents allocated plus extents freed
 * @param calls       allocate and free calls (or messages) made
 * @param tolerated   failed calls its {@link ClientObserver} accepted
 * @param live        the allocations it still holds, patterns intact when it stopped
 */
record ClientResult(String name, long operations, long calls, long tolerated, List<PatternLedger.Tracked> live) {}
