package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.hpa4j.it.forked.OnTheModulePath;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * hpa4j's jars work on the module path: their names resolve with Akka's, and an application whose
 * classes use them from there allocates. Run by {@code mvn verify}, where the modules' jars are on
 * this module's test class path.
 */
class ModulePathTest {
    /* What an application on Akka needs, by jar file name: hpa4j, Akka, its Scala and config, SLF4J, a backend. */
    private static final List<String> APPLICATION_JARS = List.of(
            "hpa4j-core-",
            "hpa4j-bridge-",
            "hpa4j-actors-",
            "akka-actor_",
            "akka-actor-typed_",
            "akka-slf4j_",
            "scala-library-",
            "scala-java8-compat_",
            "config-",
            "slf4j-api-",
            "logback-classic-",
            "logback-core-");

    @Test
    void shouldResolveHpa4jsModulesWithAkkasFromTheJars() {
        ModuleFinder jars = ModuleFinder.of(applicationJars().toArray(Path[]::new));

        // org.slf4j is an explicit module no automatic module can require: the application names it.
        Configuration resolved = ModuleLayer.boot()
                .configuration()
                .resolveAndBind(jars, ModuleFinder.of(), Set.of("io.github.hpa4j.actors", "org.slf4j"));

        Set<String> names =
                resolved.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        assertTrue(
                names.containsAll(Set.of(
                        "io.github.hpa4j.core",
                        "io.github.hpa4j.bridge",
                        "io.github.hpa4j.actors",
                        "ch.qos.logback.classic")),
                "resolved, the logging backend bound as SLF4J's provider: " + names);
        Set<String> actorsReads = resolved.findModule("io.github.hpa4j.actors").orElseThrow().reads().stream()
                .map(ResolvedModule::name)
                .collect(Collectors.toSet());
        assertTrue(
                actorsReads.containsAll(
                        Set.of("io.github.hpa4j.core", "io.github.hpa4j.bridge", "akka.actor.typed", "org.slf4j")),
                "io.github.hpa4j.actors reads " + actorsReads);
    }

    @Test
    void shouldAllocateInAnApplicationThatTakesHpa4jFromTheModulePath() throws Exception {
        String modulePath =
                applicationJars().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        String testClasses = Path.of(OnTheModulePath.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "--sun-misc-unsafe-memory-access=allow",
                        // On the module path the native-access flag names hpa4j's modules, not ALL-UNNAMED.
                        "--enable-native-access=io.github.hpa4j.bridge,io.github.hpa4j.actors",
                        "--module-path",
                        modulePath,
                        "--add-modules",
                        "io.github.hpa4j.actors,org.slf4j",
                        "-cp",
                        testClasses,
                        OnTheModulePath.class.getName())
                .redirectErrorStream(true)
                .start();

        ForkedJvm.Outcome outcome = ForkedJvm.await(process, Duration.ofSeconds(60));

        assertEquals(0, outcome.exitCode(), outcome.output());
        assertTrue(
                outcome.printed("modules: io.github.hpa4j.actors io.github.hpa4j.bridge io.github.hpa4j.core"),
                outcome.output());
        assertTrue(outcome.printed("allocated and wrote 42"), outcome.output());
        assertTrue(
                !outcome.output().contains("WARNING") && !outcome.output().contains("SLF4J(W)"),
                "no JVM or SLF4J warning: " + outcome.output());
    }

    private static List<Path> applicationJars() {
        List<Path> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
            Path path = Path.of(entry);
            String file = path.getFileName().toString();
            if (file.endsWith(".jar") && APPLICATION_JARS.stream().anyMatch(file::startsWith)) {
                jars.add(path);
            }
        }
        assertEquals(
                APPLICATION_JARS.size(),
                jars.size(),
                "one jar of each kind on the class path: " + jars + " of "
                        + Arrays.toString(APPLICATION_JARS.toArray()));
        return jars;
    }
}
