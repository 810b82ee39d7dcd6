package io.github.hpa4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeRouterTest {
    private final SizeRouter router = new SizeRouter(64 * 1024, 1L << 30);

    @Test
    void shouldSendEachSizeToTheLayerThatServesIt() {
        assertEquals(SizeKind.SMALL, router.route(1, 1));
        assertEquals(SizeKind.SMALL, router.route(SmallSizeClasses.SMALL_MAX, 1));
        assertEquals(SizeKind.PAGES, router.route(SmallSizeClasses.SMALL_MAX + 1, 1));
        assertEquals(SizeKind.PAGES, router.route(64 * 1024, Pages.PAGE));
        assertEquals(SizeKind.LARGE, router.route(64 * 1024 + 1, 1));
        assertEquals(SizeKind.LARGE, router.route(1L << 30, 1));
    }

    @Test
    void shouldServeEveryPageMultipleAsPagesWhenSmallClassesStopBelowAPage() {
        SizeRouter belowAPage = new SizeRouter(64 * 1024, 1L << 30, SizeRouter.BELOW_A_PAGE);
        assertEquals(3584, SizeRouter.BELOW_A_PAGE, "the largest small class below a page");
        assertEquals(SizeKind.SMALL, belowAPage.route(SizeRouter.BELOW_A_PAGE, 1));
        assertEquals(SizeKind.PAGES, belowAPage.route(SizeRouter.BELOW_A_PAGE + 1, 1));
        assertEquals(SizeKind.PAGES, belowAPage.route(Pages.PAGE, 1));
        assertEquals(SizeKind.PAGES, belowAPage.route(100, Pages.PAGE), "aligned to a page: a 4 KiB class, so a page");
        assertThrows(
                IllegalArgumentException.class,
                () -> new SizeRouter(64 * 1024, 1L << 30, SmallSizeClasses.SMALL_MAX + 1));
    }

    @Test
    void shouldSendAlignmentsAboveAPageToTheLargeLayer() {
        assertEquals(SizeKind.LARGE, router.route(16, 2 * Pages.PAGE));
        assertEquals(SizeKind.LARGE, router.route(8 * Pages.PAGE, Pages.HUGEPAGE));
        // 10 KiB aligned to a page rounds to 12 KiB, still a small class whose regions are page-aligned.
        assertEquals(SizeKind.SMALL, router.route(10 * 1024, Pages.PAGE));
        assertEquals(12 * 1024, SizeRouter.smallRequest(10 * 1024, Pages.PAGE));
        assertEquals(SizeKind.PAGES, router.route(13 * 1024, Pages.PAGE), "rounds to 16 KiB, past the small maximum");
    }

    @Test
    void shouldRouteEverySweepSizeAtEveryAlignment() {
        for (long size : LargeAllocatorTest.sweepSizes(1L << 30)) {
            for (long alignment = 1; alignment <= Pages.HUGEPAGE; alignment <<= 3) {
                SizeKind kind = router.route(size, alignment);
                switch (kind) {
                    case SMALL ->
                        assertTrue(SizeRouter.smallRequest(size, alignment) <= SmallSizeClasses.SMALL_MAX
                                && alignment <= Pages.PAGE);
                    case PAGES -> assertTrue(size <= 64 * 1024 && size > 1 && alignment <= Pages.PAGE);
                    case LARGE -> assertTrue(size > 64 * 1024 || alignment > Pages.PAGE);
                }
            }
        }
    }

    @Test
    void shouldRefuseWhatNoLayerServes() {
        assertEquals(
                1L << 30,
                assertThrows(InvalidSizeException.class, () -> router.route((1L << 30) + 1, 1))
                        .max());
        assertThrows(InvalidSizeException.class, () -> router.route(0, 1));
        assertThrows(InvalidSizeException.class, () -> router.route(-5, 1));
        assertThrows(InvalidAlignmentException.class, () -> router.route(64, 48));
        assertThrows(InvalidAlignmentException.class, () -> router.route(64, 0));
        assertThrows(InvalidAlignmentException.class, () -> router.route(64, 2 * Pages.HUGEPAGE));
        assertThrows(IllegalArgumentException.class, () -> new SizeRouter(Pages.PAGE, 1L << 30));
    }
}
