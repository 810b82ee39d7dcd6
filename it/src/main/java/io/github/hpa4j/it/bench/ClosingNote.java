package io.github.hpa4j.it.bench;

import static io.github.hpa4j.it.bench.SpeedRow.Subject.ALLOCATE_DIRECT;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.ARENA_SHARED;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.ASK_ECHO;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_ACTOR;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_ASK;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_CACHED;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.HPA_CORE_LOCK;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.NETTY;
import static io.github.hpa4j.it.bench.SpeedRow.Subject.PING_PONG;

import java.util.Optional;

/**
 * The headline ratios and the note on where hpa4j loses and wins. Every number is computed from this
 * run; the explanations are the mechanisms, which do not change from run to run, and each sentence
 * that judges (wins, loses) is chosen by the numbers, so the note cannot contradict its tables.
 */
final class ClosingNote {
    private static final int HEADLINE_SIZE = 4096;

    private final SpeedTables speed;
    private final MemoryTables memory;

    private final boolean machineWasBusy;

    /** @param machineWasBusy whether the load average exceeded the core count during the run */
    ClosingNote(SpeedTables speed, MemoryTables memory, boolean machineWasBusy) {
        this.speed = speed;
        this.memory = memory;
        this.machineWasBusy = machineWasBusy;
    }

    void appendHeadline(StringBuilder md) {
        md.append("At 4 KiB, one thread (pairs):\n\n");
        pair(HPA_CACHED, 1)
                .ifPresent(cached -> md.append("- hpa4j facade with its front cache: ")
                        .append(Fmt.rate(cached.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(cached)))
                        .append(" Netty; p50 ")
                        .append(Fmt.nanos(cached.p50Nanos()))
                        .append(", p99 ")
                        .append(Fmt.nanos(cached.p99Nanos()))
                        .append(".\n"));
        pair(HPA_CACHED, 2)
                .ifPresent(cached -> md.append("- the same with 2 threads: ")
                        .append(Fmt.rate(cached.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(cached)))
                        .append(" Netty.\n"));
        pair(HPA_ASK, 1)
                .ifPresent(ask -> md.append("- hpa4j ask facade: ")
                        .append(Fmt.rate(ask.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(ask)))
                        .append(" Netty, ")
                        .append(Fmt.ratio(speed.ratioToFloor(ask, ASK_ECHO)))
                        .append(" the bare ask echo; p50 ")
                        .append(Fmt.nanos(ask.p50Nanos()))
                        .append(", p99 ")
                        .append(Fmt.nanos(ask.p99Nanos()))
                        .append(".\n"));
        pair(HPA_ACTOR, 1)
                .ifPresent(actor -> md.append("- hpa4j actor client: ")
                        .append(Fmt.rate(actor.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(actor)))
                        .append(" Netty, ")
                        .append(Fmt.ratio(speed.ratioToFloor(actor, PING_PONG)))
                        .append(" the bare ping-pong, ")
                        .append(Fmt.ratio(speed.ratioToFloor(actor, ASK_ECHO)))
                        .append(" the bare ask echo.\n"));
        pair(HPA_CORE_LOCK, 1)
                .ifPresent(core -> md.append("- hpa4j core behind one lock: ")
                        .append(Fmt.rate(core.opsPerSec()))
                        .append(" pairs/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(core)))
                        .append(" Netty.\n"));
        pair(NETTY, 1)
                .ifPresent(netty -> md.append("- Netty pooled direct: ")
                        .append(Fmt.rate(netty.opsPerSec()))
                        .append(" pairs/s, p50 ")
                        .append(Fmt.nanos(netty.p50Nanos()))
                        .append(".\n"));
        speed.find(HPA_ASK, true, HEADLINE_SIZE, 1)
                .ifPresent(batch -> md.append("- Batches of 64 through the ask facade: ")
                        .append(Fmt.rate(batch.opsPerSec()))
                        .append(" allocations/s = ")
                        .append(Fmt.ratio(speed.ratioToNetty(batch)))
                        .append(" Netty's batch rate.\n"));
        memory.find("hpa4j:collapse:2").ifPresent(hpa -> {
            md.append("- Memory: hpa4j (collapse) hugepage coverage ")
                    .append(Fmt.percent(MemoryTables.coverage(hpa)))
                    .append(", returned ")
                    .append(Fmt.percent(MemoryTables.returned(hpa)))
                    .append(" of the freed memory");
            memory.find("netty")
                    .ifPresent(netty -> md.append("; Netty pooled ")
                            .append(Fmt.percent(MemoryTables.coverage(netty)))
                            .append(" and ")
                            .append(Fmt.percent(MemoryTables.returned(netty))));
            memory.find("arena")
                    .ifPresent(arena -> md.append("; Arena (malloc) ")
                            .append(Fmt.percent(MemoryTables.coverage(arena)))
                            .append(" and ")
                            .append(Fmt.percent(MemoryTables.returned(arena))));
            md.append(".\n");
        });
    }

    void appendNote(StringBuilder md) {
        Optional<SpeedRow> ask = pair(HPA_ASK, 1);
        Optional<SpeedRow> echo = speed.floor(ASK_ECHO, 1);
        Optional<SpeedRow> pingPong = speed.floor(PING_PONG, 1);
        Optional<SpeedRow> actor = pair(HPA_ACTOR, 1);
        Optional<SpeedRow> core = pair(HPA_CORE_LOCK, 1);
        Optional<SpeedRow> netty = pair(NETTY, 1);

        md.append("**Where hpa4j loses, and why.** On speed. ");
        int[] nettyWins = compare(NETTY, HPA_ACTOR);
        int[] directLosses = compare(HPA_ACTOR, ALLOCATE_DIRECT);
        int[] sharedLosses = compare(HPA_ACTOR, ARENA_SHARED);
        md.append("Netty's pool is faster than hpa4j's fastest path (the actor client) in ")
                .append(nettyWins[0])
                .append(" of ")
                .append(nettyWins[1])
                .append(" rows; that path does beat ByteBuffer.allocateDirect in ")
                .append(directLosses[0])
                .append(" of ")
                .append(directLosses[1])
                .append(" rows and Arena.ofShared in ")
                .append(sharedLosses[0])
                .append(" of ")
                .append(sharedLosses[1])
                .append(", which pay for zeroing, Cleaners and GC, or a handshake on close. ");
        if (ask.isPresent() && netty.isPresent() && echo.isPresent() && core.isPresent()) {
            double askP50 = ask.get().p50Nanos();
            double echoP50 = echo.get().p50Nanos();
            double coreP50 = core.get().p50Nanos();
            double rest = askP50 - echoP50 - coreP50;
            md.append("Through the ask facade a 4 KiB pair costs ")
                    .append(Fmt.nanos(askP50))
                    .append(" at the median against Netty's ")
                    .append(Fmt.nanos(netty.get().p50Nanos()))
                    .append(". Of that, ")
                    .append(Fmt.nanos(echoP50))
                    .append(" is the floor, two bare asks to an actor that does nothing: each call enqueues into a "
                            + "mailbox, wakes a dispatcher thread and waits for the reply to wake the caller, and the "
                            + "ask adds a temporary actor ref, a future and a scheduled timeout. The allocator's own "
                            + "work, measured behind a lock with no actor, is ")
                    .append(Fmt.nanos(coreP50))
                    .append(". ");
            if (rest > 0.1 * askP50) {
                md.append("The remaining ")
                        .append(Fmt.nanos(rest))
                        .append(" per pair is hpa4j's plumbing on top of the bare hop (the facade's future "
                                + "composition and the shard actor's per-message work); it has not been profiled "
                                + "yet and is the first thing to look at. ");
            } else {
                md.append("Nearly all of the rest is the hop itself. ");
            }
        }
        if (actor.isPresent() && pingPong.isPresent()) {
            md.append("From an actor (tell with replyTo, no ask) pairs run at ")
                    .append(Fmt.rate(actor.get().opsPerSec()))
                    .append("/s, ")
                    .append(Fmt.ratio(speed.ratioToFloor(actor.get(), PING_PONG)))
                    .append(" the bare ping-pong's rate. Its median pair (")
                    .append(Fmt.nanos(actor.get().p50Nanos()))
                    .append("; ping-pong ")
                    .append(Fmt.nanos(pingPong.get().p50Nanos()))
                    .append(") is too short to include a thread wake-up: client and shard ran back to back on one "
                            + "dispatcher thread. The rate is set by the pairs that do wake a thread (p99 ")
                    .append(Fmt.nanos(actor.get().p99Nanos()))
                    .append("). ");
        }
        if (core.isPresent() && netty.isPresent()) {
            md.append("Without any actor, the core behind one lock runs at ")
                    .append(Fmt.ratio(speed.ratioToNetty(core.get())))
                    .append(" Netty: behind the lock every allocation searches the slab set, updates bitmaps "
                            + "and the extent index, and every free reverses it (and may purge inline), where Netty "
                            + "hands a just-freed buffer back from a thread-local cache with no lock and no shared "
                            + "state. hpa4j's front cache plays that part (the first row of the tables): a hit touches "
                            + "only the thread's own cache (a handle's state, changed by one compare-and-set, is what "
                            + "catches a double free), and sends no message. Batches amortise the hop "
                            + "over 64 allocations and narrow the gap; with two threads on a two-core machine the "
                            + "callers compete with the dispatcher and page-worker threads for the cores, and so does "
                            + "any other load on the machine (see the load average above).\n\n");
        }
        if (machineWasBusy) {
            md.append("**Caution.** The load average during this run was above the core count: other processes "
                    + "competed for the CPUs. Preemption inflates means, hence ops/s and every ratio, and p99s far "
                    + "more than p50s, and hits the two-thread rows hardest (two JMH threads plus dispatcher "
                    + "threads on two cores). Compare p50s when in doubt, and rerun on a quiet machine before "
                    + "quoting a two-thread ratio.\n\n");
        }
        md.append("**Where hpa4j wins.** ");
        Optional<MemoryResult> hpa = memory.find("hpa4j:collapse:2");
        if (hpa.isPresent()) {
            double hpaCoverage = MemoryTables.coverage(hpa.get());
            double hpaReturned = MemoryTables.returned(hpa.get());
            double bestOtherCoverage = otherBest(true);
            double bestOtherReturned = otherBest(false);
            md.append("Hugepage coverage of the loaded working set is ")
                    .append(Fmt.percent(hpaCoverage))
                    .append(
                            hpaCoverage > bestOtherCoverage
                                    ? " for hpa4j (collapse) against at most "
                                    : " for hpa4j (collapse), not better than the best of the others, ")
                    .append(Fmt.percent(bestOtherCoverage))
                    .append(" for Netty, allocateDirect and Arena, which never ask for hugepages (THP is in "
                            + "madvise mode here)");
            bestHpaStyle()
                    .ifPresent(best -> md.append("; the best hpa4j variant is ").append(best));
            md.append(". After 90 % of the working set is freed, hpa4j (collapse) gives ")
                    .append(Fmt.percent(hpaReturned))
                    .append(" of it back to the OS within one purge interval "
                            + "(more than 100 % means it also returned free pages that fragmentation had left "
                            + "resident before the free)")
                    .append(
                            hpaReturned > bestOtherReturned
                                    ? ", more than any other allocator (best other: "
                                    : ", not more than the best of the others (")
                    .append(Fmt.percent(bestOtherReturned))
                    .append("); its purges run on page workers, and the ")
                    .append("latency table shows what an allocation pays while they run. These are the properties "
                            + "hpa4j exists for; the actor design's speed cost is what its front cache takes off "
                            + "most operations.\n");
        }
    }

    /** {rows where a is faster than b, rows where both were measured}, over every shape, size and thread count. */
    private int[] compare(SpeedRow.Subject a, SpeedRow.Subject b) {
        int faster = 0;
        int both = 0;
        for (SpeedRow row : speed.rows()) {
            if (row.subject() != a) {
                continue;
            }
            Optional<SpeedRow> other = speed.find(b, row.batch(), row.size(), row.threads());
            if (other.isPresent()) {
                both++;
                if (row.opsPerSec() > other.get().opsPerSec()) {
                    faster++;
                }
            }
        }
        return new int[] {faster, both};
    }

    private Optional<SpeedRow> pair(SpeedRow.Subject subject, int threads) {
        return speed.find(subject, false, HEADLINE_SIZE, threads);
    }

    /** "label (coverage)" of the hpa4j variant with the highest loaded coverage. */
    private Optional<String> bestHpaStyle() {
        String best = null;
        double bestCoverage = -1;
        for (MemoryVariant variant : MemoryVariant.ALL) {
            Optional<MemoryResult> r = variant.isHpa4j() ? memory.find(variant.id()) : Optional.empty();
            if (r.isPresent() && MemoryTables.coverage(r.get()) > bestCoverage) {
                bestCoverage = MemoryTables.coverage(r.get());
                best = variant.label() + " (" + Fmt.percent(bestCoverage) + ")";
            }
        }
        return Optional.ofNullable(best);
    }

    private double otherBest(boolean coverage) {
        double best = 0;
        for (String id : new String[] {"netty", "direct", "arena"}) {
            Optional<MemoryResult> r = memory.find(id);
            if (r.isPresent()) {
                best = Math.max(best, coverage ? MemoryTables.coverage(r.get()) : MemoryTables.returned(r.get()));
            }
        }
        return best;
    }
}
