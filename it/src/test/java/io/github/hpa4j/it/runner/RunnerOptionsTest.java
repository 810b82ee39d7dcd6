package io.github.hpa4j.it.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

    @Test
    void shouldUseTheDocumentedDefaultsWithoutFlags() {
        RunnerOptions o = RunnerOptions.parse();
        assertEquals(Duration.ofSeconds(60), o.duration());
        assertEquals(4, o.clients());
        assertEquals(256L << 20, o.workingSet());
        assertEquals(4096, o.minSize());
        assertEquals(64 * 1024, o.maxSize());
        assertEquals(FillMode.WORDS, o.fill());
        assertEquals(Path.of("reports"), o.outDir());
        // idle covers one purge interval (reference.conf: 5s) plus the margin
        assertEquals(Duration.ofSeconds(8), o.idle());
    }

    @Test
    void shouldParseBothFlagFormsUnitsAndSettingOverrides() {
        RunnerOptions o = RunnerOptions.parse(
                "--duration",
                "30",
                "--clients=2",
                "--working-set",
                "64MiB",
                "--max-size",
                "32KiB",
                "--shards",
                "3",
                "--hugify-style",
                "advise",
                "--set",
                "hpa4j.dirty-mult=10%",
                "-Dhpa4j.hugify-delay=1s",
                "--set",
                "min-purge-interval=2s",
                "--free-fraction",
                "75%");
        assertEquals(Duration.ofSeconds(30), o.duration());
        assertEquals(2, o.clients());
        assertEquals(64L << 20, o.workingSet());
        assertEquals(32 * 1024, o.maxSize());
        assertEquals(0.75, o.freeFraction(), 1e-9);
        assertEquals(3, o.settings().shards());
        assertEquals("ADVISE", o.settings().hugifyStyle().name());
        assertEquals(1000, o.settings().shardOptions().hugifyDelayMs());
        assertEquals(Duration.ofSeconds(5), o.idle()); // the overridden 2s interval + 3s
        assertEquals("10%", o.overrides().get("hpa4j.dirty-mult"));
    }

    @Test
    void shouldNameAnUnknownFlag() {
        BadFlagException e =
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--clients", "2", "--bogus"));
        assertEquals("--bogus", e.flag());
        assertTrue(e.getMessage().contains("unknown flag"), e.getMessage());
    }

    @Test
    void shouldNameAFlagWithABadOrMissingValue() {
        assertEquals(
                "--clients",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--clients", "many"))
                        .flag());
        assertEquals(
                "--duration",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--duration", "soon"))
                        .flag());
        assertEquals(
                "--working-set",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--working-set", "lots"))
                        .flag());
        assertEquals(
                "--fill",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--fill", "some"))
                        .flag());
        assertEquals(
                "--seed",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--seed"))
                        .flag());
    }

    @Test
    void shouldRefuseSizesTheAllocatorCannotServe() {
        BadFlagException e = assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--max-size", "1MiB"));
        assertEquals("--max-size", e.flag());
        assertTrue(e.getMessage().contains("hpa4j.slab-max-alloc"), e.getMessage());
        assertEquals(
                "--max-size",
                assertThrows(
                                BadFlagException.class,
                                () -> RunnerOptions.parse("--min-size", "32KiB", "--max-size", "16KiB"))
                        .flag());
    }

    @Test
    void shouldNameTheFlagThatGaveABadSetting() {
        assertEquals(
                "--hugify-style",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--hugify-style", "sometimes"))
                        .flag());
        BadFlagException bad =
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--set", "hpa4j.dirty-mult=lots"));
        assertEquals("--set hpa4j.dirty-mult", bad.flag());
        assertEquals(
                "--set hpa4j.no-such-key",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--set", "hpa4j.no-such-key=1"))
                        .flag());
        assertTrue(assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--set", "akka.loglevel=DEBUG"))
                .getMessage()
                .contains("only hpa4j.*"));
        assertEquals(
                "--set",
                assertThrows(BadFlagException.class, () -> RunnerOptions.parse("--set", "novalue"))
                        .flag());
    }

    @Test
    void helpShouldListEveryFlagAndSetting() {
        assertTrue(RunnerOptions.parse("--help").help());
        assertTrue(RunnerOptions.parse("-h").help());
        String usage = RunnerOptions.usage();
        for (RunnerOptions.Flag flag : RunnerOptions.Flag.values()) {
            assertTrue(usage.contains(flag.flagName()), "--help misses " + flag.flagName());
        }
        for (String key : RunnerOptions.referenceSettings().keySet()) {
            assertTrue(usage.contains(key), "--help misses " + key);
        }
    }
}
