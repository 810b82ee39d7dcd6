package io.github.hpa4j.it.forked;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.github.hpa4j.actors.Hpa4j;
import io.github.hpa4j.bridge.PlatformUnsupportedException;

/**
 * Starts hpa4j in a JVM without {@code --enable-native-access}: it must refuse, with the
 * {@link PlatformUnsupportedException} that names the flag. Exits 3 on that refusal, 0 if hpa4j
 * started anyway, 1 on anything else.
 */
public final class StartWithoutNativeAccess {
    public static void main(String[] args) {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "no-native-access");
        int exit = 1;
        try {
            Hpa4j.get(system);
            System.out.println("STARTED on " + Hpa4j.get(system).pageHooks());
            exit = 0;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof PlatformUnsupportedException refused) {
                    System.out.println("REFUSED: " + refused.getMessage());
                    exit = 3;
                }
            }
            if (exit != 3) {
                e.printStackTrace(System.out);
            }
        }
        system.terminate();
        System.exit(exit);
    }
}
