package io.github.hpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README shows the example application's source as it is, not as it once was. */
class ReadmeExampleTest {
    private static final String SOURCE =
            "examples/minimal/src/main/java/io/github/hpa4j/examples/minimal/MinimalApp.java";

    @Test
    void shouldShowTheMinimalApplicationExactlyAsTheExampleModuleBuildsIt() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize(); // surefire runs in the it module's folder
        String readme = Files.readString(root.resolve("README.md"));
        String marker = "<!-- " + SOURCE + " -->\n```java\n";
        int start = readme.indexOf(marker);
        assertTrue(start >= 0, "README.md has no block marked " + marker.strip());
        int from = start + marker.length();
        int end = readme.indexOf("```\n", from);

        assertEquals(Files.readString(root.resolve(SOURCE)), readme.substring(from, end));
    }
}
