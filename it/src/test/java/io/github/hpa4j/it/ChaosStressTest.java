package io.github.hpa4j.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.AllocatorFailureException;
import io.github.hpa4j.actors.AllocatorStats;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.actors.Hpa4jSettings;
import io.github.hpa4j.actors.ShardActor;
import io.github.hpa4j.actors.ShardOverloadedException;
import io.github.hpa4j.actors.ShutdownReport;
import io.github.hpa4j.bridge.PageHooksFactory;
import io.github.hpa4j.core.EdenExhaustedException;
import io.github.hpa4j.core.MemoryBudgetExceededException;
import io.github.hpa4j.core.Pages;
import io.github.hpa4j.core.ShardDisabledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Everything at once on real memory: page jobs that fail and are slow, eden maps that fail (ENOMEM)
 * and throw, a memory budget that clients run into, and a stop in the middle of the traffic. Half
 * the run, then the faults stop and the clients free everything: not a page is lost, no slab stays
 * mid phase. The other half ends with {@code stop()} under load: clients see only typed refusals
 * or closed segments, and the stop reclaims what they still held. Every allocation carries a
 * pattern checked before its free. One minute by default; {@code -Dhpa4j.chaos.seconds=N} runs longer.
 */
class ChaosStressTest {
    @AutoClose("shutdownTestKit")
    private static final ActorTestKit testKit = ActorTestKit.create();

    private static final int CLIENTS = 6;
    private static final int SHARDS = 3;
    private static final long BUDGET = 96L << 20;

    @Test
    void faultsBudgetHitsAndAStopUnderLoadLoseNoPageAndGiveOnlyTypedErrors() throws Exception {
        long seconds = Long.getLong("hpa4j.chaos.seconds", 60);
        Hpa4jSettings settings = It.settings(
                It.FAST_DEFERRED_WORK,
                "hpa4j.shards = " + SHARDS,
                "hpa4j.min-purge-interval = 20ms",
                "hpa4j.hugification-threshold = 50%",
                "hpa4j.ask-timeout = 60s",
                "hpa4j.max-memory = " + BUDGET,
                "hpa4j.eden-hugepages = 1");
        FaultyPageHooks hooks = new FaultyPageHooks(PageHooksFactory.create(settings.hugifyStyle()));
        Hpa4j hpa4j = It.start(testKit, settings, hooks);
        PatternLedger ledger = new PatternLedger();
        Chaos chaos = new Chaos(hooks);

        // First half: chaos, then calm, then every client frees what it holds.
        List<Client> first = startClients(hpa4j, ledger, 0xC4A0L);
        chaos.runFor(Duration.ofSeconds(seconds / 2));
        chaos.calm();
        for (Client client : first) {
            client.stopAndFreeAll();
        }
        assertNoUnexpected(first);
        It.get(hpa4j.trimCaches());
        await("no page lost, no slab stuck")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    AllocatorStats stats = It.get(hpa4j.stats());
                    assertEquals(0, stats.total().liveExtents(), "live extents with every client's frees done");
                    assertEquals(0, stats.total().nactive(), "active pages nobody holds");
                    for (ShardActor.ShardSnapshot shard : stats.shards()) {
                        assertEquals(0, shard.stats().jobsInFlight(), "a slab stuck mid phase in shard " + shard);
                        assertEquals(0, shard.stashDepth());
                    }
                    assertTrue(stats.budget().heldBytes() <= BUDGET, "held " + stats.budget());
                });
        assertEquals(0, ledger.claimedPages());
        long firstOps = operations(first);

        // Second half: chaos again, and a stop while the clients run.
        List<Client> second = startClients(hpa4j, ledger, 0xC4A1L);
        chaos.runFor(Duration.ofSeconds(seconds / 4));
        ShutdownReport report = It.get(hpa4j.stop());
        chaos.runFor(Duration.ofSeconds(Math.max(1, seconds / 8)));
        chaos.calm();
        long held = 0;
        for (Client client : second) {
            client.stop();
            held += client.held.size() + client.refusedFrees.size();
        }
        assertNoUnexpected(second);
        // Every extent a client still holds was reclaimed by the stop, none freed behind its back. Beyond
        // them, only what was on its way when the stop began: a refill with its extras per client, and
        // an allocation whose segment closed before the client could claim it.
        long inFlight = CLIENTS * (16L + hpa4j.settings().cache().maxPerClass());
        assertTrue(
                report.liveExtents() >= held && report.liveExtents() <= held + inFlight,
                "the stop reclaimed " + report + " while the clients held " + held);
        System.out.printf(
                "chaos: %,d operations before the calm, %,d after it; typed refusals %s; injected: %d purge"
                        + " and %d hugify failures, %d map failures; stop %s%n",
                firstOps,
                operations(second),
                refusals(first, second),
                hooks.injectedPurgeFailures.get(),
                hooks.injectedHugifyFailures.get(),
                hooks.injectedMapFailures.get(),
                report);
        assertTrue(refusals(first, second).budget > 0, "the budget was reached");
        assertTrue(hooks.injectedMapFailures.get() > 0 && hooks.injectedPurgeFailures.get() > 0, "faults happened");
        assertTrue(refusals(first, second).outOfMemory > 0, "clients met eden's failures");
    }

    private List<Client> startClients(Hpa4j hpa4j, PatternLedger ledger, long seed) {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Client client = new Client(hpa4j, ledger, seed + i);
            clients.add(client);
            It.threadForShard(hpa4j, i % SHARDS, "chaos-client-" + i, client).start();
        }
        return clients;
    }

    private static void assertNoUnexpected(List<Client> clients) {
        for (Client client : clients) {
            if (!client.unexpected.isEmpty()) {
                throw new AssertionError(
                        "an error that is not one of hpa4j's typed refusals", client.unexpected.peek());
            }
        }
    }

    private static long operations(List<Client> clients) {
        return clients.stream().mapToLong(c -> c.operations.get()).sum();
    }

    /** How many refusals of each kind the clients accepted. */
    private record Refusals(long budget, long outOfMemory, long failures, long overload, long stopped) {}

    private static Refusals refusals(List<Client> first, List<Client> second) {
        List<Client> all = new ArrayList<>(first);
        all.addAll(second);
        return new Refusals(
                all.stream().mapToLong(c -> c.budget.get()).sum(),
                all.stream().mapToLong(c -> c.outOfMemory.get()).sum(),
                all.stream().mapToLong(c -> c.failures.get()).sum(),
                all.stream().mapToLong(c -> c.overload.get()).sum(),
                all.stream().mapToLong(c -> c.stopped.get()).sum());
    }

    /** Switches the faults: jobs always failing one in ten and slow; maps failing or throwing in spells. */
    private static final class Chaos {
        private final FaultyPageHooks hooks;
        private final SplittableRandom random = new SplittableRandom(0xC4A05L);

        Chaos(FaultyPageHooks hooks) {
            this.hooks = hooks;
        }

        void runFor(Duration duration) {
            hooks.failJobCalls(0.10);
            hooks.slowJobCalls(Duration.ofMillis(1).toNanos());
            long end = System.nanoTime() + duration.toNanos();
            // Maps fail, then throw, while the clients first grow; then spells at random.
            for (int spell = 0; System.nanoTime() < end; spell = random.nextInt(10)) {
                hooks.failMaps(spell < 2);
                hooks.throwOnMaps(spell == 2);
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                if (spell == 0 && random.nextInt(10) < 3) {
                    spell = 2; // sometimes a throwing spell right after a failing one
                    hooks.failMaps(false);
                    hooks.throwOnMaps(true);
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                }
            }
        }

        void calm() {
            hooks.failJobCalls(0);
            hooks.slowJobCalls(0);
            hooks.failMaps(false);
            hooks.throwOnMaps(false);
        }
    }

    /** Allocates and frees at random, up to 14 MiB held (six clients: near the budget), accepting only hpa4j's typed refusals. */
    private static final class Client implements Runnable {
        private final Hpa4j hpa4j;
        private final PatternLedger ledger;
        private final SplittableRandom random;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean done = new AtomicBoolean();
        final List<PatternLedger.Tracked> held = new ArrayList<>();
        final List<PatternLedger.Tracked> refusedFrees = new ArrayList<>();
        final AtomicLong operations = new AtomicLong();
        final AtomicLong budget = new AtomicLong();
        final AtomicLong outOfMemory = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong overload = new AtomicLong();
        final AtomicLong stopped = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        private long heldBytes;
        private boolean allocatorStopped;

        Client(Hpa4j hpa4j, PatternLedger ledger, long seed) {
            this.hpa4j = hpa4j;
            this.ledger = ledger;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public void run() {
            try {
                while (running.get()) {
                    step();
                    operations.incrementAndGet();
                }
            } finally {
                done.set(true);
            }
        }

        private void step() {
            boolean allocate = held.isEmpty() || (heldBytes < (14L << 20) && random.nextInt(100) < 55);
            try {
                if (allocate) {
                    int count = random.nextInt(10) == 0 ? 1 + random.nextInt(16) : 1;
                    long bytes = (1 + random.nextInt(16)) * Pages.PAGE;
                    List<Allocation> got = count == 1
                            ? List.of(hpa4j.allocateNow(bytes))
                            : hpa4j.allocateBatch(bytes, count).join();
                    for (Allocation a : got) {
                        held.add(ledger.claim(a));
                        heldBytes += a.size();
                    }
                } else {
                    PatternLedger.Tracked victim = held.remove(random.nextInt(held.size()));
                    try {
                        ledger.release(victim); // after the stop its segment is closed: this throws
                        hpa4j.freeNow(victim.allocation());
                        heldBytes -= victim.allocation().size();
                    } catch (RuntimeException refused) {
                        refusedFrees.add(victim); // still the client's: the stop reclaims it
                        throw refused;
                    }
                }
            } catch (Throwable t) {
                accept(It.unwrap(t));
            }
        }

        private void accept(Throwable error) {
            switch (error) {
                case MemoryBudgetExceededException e -> budget.incrementAndGet();
                case EdenExhaustedException e -> outOfMemory.incrementAndGet();
                case AllocatorFailureException e -> failures.incrementAndGet(); // the eden map that threw
                case ShardOverloadedException e -> overload.incrementAndGet();
                case ShardDisabledException e -> stopped();
                case IllegalStateException e
                when allocatorStopped || (!e.getMessage().isEmpty() && closedScope(e)) -> stopped();
                default -> {
                    unexpected.add(error);
                    running.set(false);
                }
            }
        }

        private void stopped() {
            allocatorStopped = true;
            stopped.incrementAndGet();
            if (stopped.get() > 100) {
                LockSupport.parkNanos(1_000_000); // nothing more to do but be refused
            }
        }

        private static boolean closedScope(IllegalStateException e) {
            return e.getMessage().contains("closed") || e.getMessage().contains("Already closed");
        }

        void stop() {
            running.set(false);
            while (!done.get()) {
                Thread.onSpinWait();
            }
        }

        void stopAndFreeAll() {
            stop();
            for (PatternLedger.Tracked t : held) {
                ledger.release(t);
            }
            for (int from = 0; from < held.size(); from += 64) {
                List<Allocation> batch = held.subList(from, Math.min(held.size(), from + 64)).stream()
                        .map(PatternLedger.Tracked::allocation)
                        .toList();
                It.get(hpa4j.freeBatch(batch));
            }
            held.clear();
            heldBytes = 0;
        }
    }
}
