package io.github.hpa4j.actors;

import io.github.hpa4j.core.LargeStats;
import io.github.hpa4j.core.SmallClassStats;
import java.util.ArrayList;
import java.util.List;

/** The small-class and large counters of every shard, summed per class, for {@link AllocatorStats}. */
final class SizeClassTotals {
    private SizeClassTotals() {
    }

    /** Each small class summed over the shards; the class's shape is every shard's. */
    static List<SmallClassStats> smallClasses(List<ShardActor.ShardSnapshot> shards) {
        List<SmallClassStats> sum = new ArrayList<>(shards.isEmpty() ? List.of() : shards.get(0).smallClasses());
        for (int s = 1; s < shards.size(); s++) {
            List<SmallClassStats> more = shards.get(s).smallClasses();
            for (int i = 0; i < sum.size(); i++) {
                sum.set(i, plus(sum.get(i), more.get(i)));
            }
        }
        return List.copyOf(sum);
    }

    private static SmallClassStats plus(SmallClassStats a, SmallClassStats b) {
        return new SmallClassStats(a.regionSize(), a.slabPages(), a.regionsPerSlab(),
                a.nmalloc() + b.nmalloc(), a.ndalloc() + b.ndalloc(), a.curregs() + b.curregs(),
                a.curslabs() + b.curslabs(), a.nslabs() + b.nslabs(), a.nreslabs() + b.nreslabs(),
                a.nfills() + b.nfills(), a.requestedBytes() + b.requestedBytes(),
                a.roundingWasteBytes() + b.roundingWasteBytes());
    }

    /** The large allocators' counters summed over the shards. */
    static LargeStats large(List<ShardActor.ShardSnapshot> shards) {
        LargeStats sum = new LargeStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        for (ShardActor.ShardSnapshot shard : shards) {
            LargeStats l = shard.large();
            sum = new LargeStats(sum.nmalloc() + l.nmalloc(), sum.ndalloc() + l.ndalloc(),
                    sum.curExtents() + l.curExtents(), sum.curBytes() + l.curBytes(),
                    sum.curRequestedBytes() + l.curRequestedBytes(), sum.inRegionExtents() + l.inRegionExtents(),
                    sum.cacheHits() + l.cacheHits(), sum.cacheMisses() + l.cacheMisses(),
                    sum.cachedHugepages() + l.cachedHugepages(), sum.cacheReleasedHugepages() + l.cacheReleasedHugepages(),
                    sum.regions() + l.regions(), sum.regionUsedPages() + l.regionUsedPages(),
                    sum.regionBackedHugepages() + l.regionBackedHugepages(), sum.mappedBytes() + l.mappedBytes(),
                    sum.maps() + l.maps(), sum.unmaps() + l.unmaps(), sum.purges() + l.purges(),
                    sum.purgedBytes() + l.purgedBytes(), sum.hugifies() + l.hugifies());
        }
        return sum;
    }
}
