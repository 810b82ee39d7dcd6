package io.github.hpa4j.actors;

import io.github.hpa4j.core.LargeStats;
import io.github.hpa4j.core.SmallClassStats;
import java.util.ArrayList;
import java.util.List;

/** The small-class and large counters of every shard, summed per class, for {@link AllocatorStats}. */
final class SizeClassTotals {
    private SizeClassTotals() {}

    /** Each small class summed over the shards; the class's shape is every shard's. */
    static List<SmallClassStats> smallClasses(List<ShardActor.ShardSnapshot> shards) {
        List<SmallClassStats> sum =
                new ArrayList<>(shards.isEmpty() ? List.of() : shards.get(0).smallClasses());
        for (int s = 1; s < shards.size(); s++) {
            List<SmallClassStats> more = shards.get(s).smallClasses();
            for (int i = 0; i < sum.size(); i++) {
                sum.set(i, plus(sum.get(i), more.get(i)));
            }
        }
        return List.copyOf(sum);
    }

    private static SmallClassStats plus(SmallClassStats a, SmallClassStats b) {
        return new SmallClassStats(
                a.regionSize(),
                a.slabPages(),
                a.regionsPerSlab(),
                a.nmalloc() + b.nmalloc(),
                a.ndalloc() + b.ndalloc(),
                a.curregs() + b.curregs(),
                a.curslabs() + b.curslabs(),
                a.nslabs() + b.nslabs(),
                a.nreslabs() + b.nreslabs(),
                a.nfills() + b.nfills(),
                a.requestedBytes() + b.requestedBytes(),
                a.roundingWasteBytes() + b.roundingWasteBytes());
    }

    /** The large allocators' counters summed over the shards. */
    static LargeStats large(List<ShardActor.ShardSnapshot> shards) {
        LargeStats sum = LargeStats.NONE;
        for (ShardActor.ShardSnapshot shard : shards) {
            sum = sum.plus(shard.large());
        }
        return sum;
    }
}
