package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each published jar names its module, so that on the module path an application requires
 * {@code io.github.hpa4j.actors} whatever the jar's file is called. Run by {@code mvn verify}, where
 * the modules' jars (not their class folders) are on this module's test class path.
 */
class PublishedJarsTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "io.github.hpa4j.core.Pages, io.github.hpa4j.core",
        "io.github.hpa4j.bridge.LinuxPageHooks, io.github.hpa4j.bridge",
        "io.github.hpa4j.actors.Hpa4j, io.github.hpa4j.actors"
    })
    void eachJarNamesItsModule(String className, String moduleName) throws Exception {
        Path location = Path.of(Class.forName(className)
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertTrue(Files.isRegularFile(location), "expected the module's jar on the class path, got " + location);
        try (JarFile jar = new JarFile(location.toFile())) {
            assertEquals(
                    moduleName,
                    jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"),
                    location + "'s manifest");
        }
    }
}
