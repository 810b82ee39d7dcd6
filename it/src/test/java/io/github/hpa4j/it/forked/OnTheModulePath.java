package io.github.hpa4j.it.forked;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.github.hpa4j.actors.Allocation;
import io.github.hpa4j.actors.Hpa4j;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application on the class path using hpa4j and Akka from the module path: prints the modules it
 * got hpa4j's classes from, then allocates, writes and frees one page.
 */
public final class OnTheModulePath {
    /* Logging starts on this thread, before Akka's threads log: SLF4J then has nothing to replay. */
    private static final Logger LOG = LoggerFactory.getLogger(OnTheModulePath.class);

    private OnTheModulePath() {}

    public static void main(String[] args) throws Exception {
        LOG.info("starting on the module path");
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "module-path");
        try {
            Hpa4j hpa4j = Hpa4j.get(system);
            System.out.println("modules: " + Hpa4j.class.getModule().getName() + " "
                    + io.github.hpa4j.bridge.LinuxPageHooks.class.getModule().getName() + " "
                    + io.github.hpa4j.core.Pages.class.getModule().getName());
            try (Allocation a = hpa4j.allocateNow(4096)) {
                a.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
                System.out.println("allocated and wrote " + a.segment().get(ValueLayout.JAVA_LONG, 0));
            }
        } finally {
            system.terminate();
            system.getWhenTerminated()
                    .toCompletableFuture()
                    .get(Duration.ofSeconds(30).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
