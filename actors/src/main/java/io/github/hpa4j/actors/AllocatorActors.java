package io.github.hpa4j.actors;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Routers;
import io.github.hpa4j.core.Clock;
import io.github.hpa4j.core.Eden;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The actors of one allocator, started in the system: eden on the blocking dispatcher, the pool of
 * page workers sharing one budget of job slots, a shard actor per shard (its large allocator mapping
 * through {@code largeHooks}), and the reclaimer of replies nobody received. The wiring only: what each actor does is in its own class.
 *
 * @param eden   the one eden actor
 * @param shards the shard actors, by index
 */
record AllocatorActors(ActorRef<EdenActor.Command> eden, List<ActorRef<ShardActor.Command>> shards) {

    static AllocatorActors start(
            ActorSystem<?> system,
            String prefix,
            Hpa4jSettings settings,
            MappedRegions hooks,
            MappedRegions largeHooks,
            Clock clock,
            Handles handles,
            MemoryBudget budget,
            Runnable onBudgetRefused,
            Consumer<List<Allocation>> reclaim) {
        DispatcherSelector blocking = DispatcherSelector.fromConfig(Hpa4jSettings.DISPATCHER);
        // Eden may reserve twice the budget of address space: slabs given back are unmapped lazily.
        long reserveLimit = settings.maxMemory() > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * settings.maxMemory();
        ActorRef<EdenActor.Command> eden = system.systemActorOf(
                EdenActor.create(new Eden(hooks, settings.edenHugepages(), reserveLimit)), prefix + "-eden", blocking);
        ActorRef<PageWorker.Command> workers = system.systemActorOf(
                Routers.pool(settings.pageWorkers(), PageWorker.create(hooks)).withRouteeProps(blocking),
                prefix + "-page-workers",
                Props.empty());
        List<ActorRef<ShardActor.Command>> shards = new ArrayList<>(settings.shards());
        // One budget of jobs in flight for the pool; a shard refused a slot is woken when one frees.
        PageWorkerSlots slots = new PageWorkerSlots(
                settings.pageWorkers(),
                shard -> shards.get(shard).tell(new ShardActor.RunDeferredWork(system.ignoreRef())));
        for (int i = 0; i < settings.shards(); i++) {
            shards.add(system.systemActorOf(
                    ShardActor.create(new ShardActor.Wiring(
                            i,
                            settings,
                            hooks,
                            largeHooks,
                            clock,
                            eden,
                            workers,
                            handles,
                            budget,
                            slots.forShard(i),
                            onBudgetRefused)),
                    prefix + "-shard-" + i,
                    Props.empty()));
        }
        system.systemActorOf(DeadLetterReclaimer.create(handles, reclaim), prefix + "-reclaimer", Props.empty());
        return new AllocatorActors(eden, List.copyOf(shards));
    }
}
