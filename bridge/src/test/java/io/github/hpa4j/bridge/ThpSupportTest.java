package io.github.hpa4j.bridge;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.hpa4j.core.Pages;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThpSupportTest {
    private static final PlatformFacts GOOD =
            new PlatformFacts("Linux", "amd64", 64, Pages.PAGE, Pages.HUGEPAGE, "madvise", "madvise", true);

    private static String reason(PlatformFacts facts) {
        return facts.unsupportedReason().orElseThrow();
    }

    @Test
    void shouldParseTheBracketedMode() {
        assertEquals("madvise", ThpSupport.bracketedMode("always [madvise] never"));
        assertEquals("defer+madvise", ThpSupport.bracketedMode("always defer [defer+madvise] madvise never"));
        assertNull(ThpSupport.bracketedMode("always madvise never"));
        assertNull(ThpSupport.bracketedMode(null));
    }

    @Test
    void shouldSupportLinuxWithMadviseThpAndMatchingPageSizes() {
        assertEquals(Optional.empty(), GOOD.unsupportedReason());
        assertEquals(
                Optional.empty(),
                new PlatformFacts("Linux", "aarch64", 64, Pages.PAGE, Pages.HUGEPAGE, "always", "never", true)
                        .unsupportedReason());
    }

    @Test
    void shouldNameEachUnsupportedCondition() {
        assertTrue(reason(new PlatformFacts("Mac OS X", "aarch64", 64, -1, -1, null, null, true))
                .startsWith("not Linux"));
        assertTrue(reason(new PlatformFacts("Linux", "x86", 32, Pages.PAGE, Pages.HUGEPAGE, "madvise", "madvise", true))
                .contains("64-bit"));
        assertTrue(reason(new PlatformFacts("Linux", "ppc64le", 64, 65536, 1 << 24, "madvise", "madvise", true))
                .contains("ppc64le"));
        assertTrue(reason(new PlatformFacts("Linux", "amd64", 64, -1, Pages.HUGEPAGE, "madvise", "madvise", false))
                .contains("--enable-native-access=ALL-UNNAMED"));
        assertTrue(reason(new PlatformFacts("Linux", "amd64", 64, Pages.PAGE, -1, null, null, true))
                .contains("hpage_pmd_size"));
        assertTrue(reason(new PlatformFacts("Linux", "aarch64", 64, Pages.PAGE, 512L << 20, "madvise", "madvise", true))
                .contains("hugepage size 536870912"));
        assertTrue(reason(new PlatformFacts("Linux", "aarch64", 64, 16384, Pages.HUGEPAGE, "madvise", "madvise", true))
                .contains("page size 16384"));
        assertTrue(reason(new PlatformFacts("Linux", "amd64", 64, Pages.PAGE, Pages.HUGEPAGE, "never", "madvise", true))
                .contains("[never]"));
    }

    /** The build machine: Linux x86_64, THP madvise, 4 KiB / 2 MiB, surefire passes the native-access flag. */
    @Test
    void shouldBeAvailableOnThisLinuxMachine() {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux only");
        PlatformFacts facts = ThpSupport.facts();

        assertEquals(Pages.PAGE, facts.pageSize(), facts::toString);
        assertEquals(Pages.HUGEPAGE, facts.hugepageSize(), facts::toString);
        assertTrue(ThpSupport.hpaSupported(), () -> String.valueOf(ThpSupport.unavailabilityCause()));
        assertNull(ThpSupport.unavailabilityCause());
        assertDoesNotThrow(ThpSupport::ensureAvailability);
        assertInstanceOf(LinuxPageHooks.class, PageHooksFactory.create(HugifyStyle.ADVISE));
    }

    @Test
    void shouldRefuseToStartWhenTheLinuxHooksCannotRunSayingHowToFixIt() {
        PlatformFacts noFlag = new PlatformFacts("Linux", "amd64", 64, -1, Pages.HUGEPAGE, "madvise", "madvise", false);
        PlatformUnsupportedException error = assertThrows(
                PlatformUnsupportedException.class, () -> PageHooksFactory.create(HugifyStyle.COLLAPSE, noFlag));
        assertTrue(
                error.getMessage().contains("--enable-native-access=ALL-UNNAMED")
                        && error.getMessage().contains("hpa4j.page-hooks = portable"),
                error.getMessage());
        assertThrows(
                PlatformUnsupportedException.class,
                () -> PageHooksFactory.create(
                        HugifyStyle.NONE, new PlatformFacts("Mac OS X", "aarch64", 64, -1, -1, null, null, true)));
    }

    @Test
    void shouldKeepTheLinuxHooksWithoutHugepagesWhenThpIsNever() {
        PlatformFacts never =
                new PlatformFacts("Linux", "amd64", 64, Pages.PAGE, Pages.HUGEPAGE, "never", "madvise", true);
        assertEquals(Optional.empty(), never.linuxHooksUnsupportedReason());
        assertTrue(never.hugepagesUnavailableReason().orElseThrow().contains("[never]"));
        CountedPageHooks hooks = PageHooksFactory.create(HugifyStyle.COLLAPSE, never);
        LinuxPageHooks linux = assertInstanceOf(LinuxPageHooks.class, hooks);
        assertEquals(HugifyStyle.NONE, linux.style(), "no hugify calls; purges still give memory back");
    }

    @Test
    void shouldGiveThePortableHooksOnlyWhenAskedFor() {
        CountedPageHooks hooks = PageHooksFactory.portable();
        assertInstanceOf(ArenaPageHooks.class, hooks);
        assertTrue(!hooks.backsHugepages());
    }
}
