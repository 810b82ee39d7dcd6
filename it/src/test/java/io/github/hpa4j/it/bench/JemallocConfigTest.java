package io.github.hpa4j.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JemallocConfigTest {

    @Test
    void shouldRaiseTheSlabLimitAboveA64KiBBlockAndItsPaddingPage() {
        assertTrue(JemallocConfig.HPA_68K.slabMaxAlloc() >= 64 * 1024 + 4096);
        assertTrue(JemallocConfig.HPA_68K
                .mallocConf()
                .contains("hpa_slab_max_alloc:" + JemallocConfig.HPA_68K.slabMaxAlloc()));
    }

    @Test
    void shouldPreloadJemallocWithTheConfigurationsOwnOptions() {
        for (JemallocConfig config : JemallocConfig.ALL) {
            assertEquals(JemallocLibrary.PATH.toString(), config.environment().get("LD_PRELOAD"));
            assertEquals(config.mallocConf(), config.environment().get("MALLOC_CONF"));
            assertEquals(config, JemallocConfig.byId(config.id()));
        }
    }

    @Test
    void shouldNameTheValidConfigurationsWhenGivenAnUnknownOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JemallocConfig.byId("hpa-64k"));
        assertTrue(e.getMessage().contains("hpa-68k"), e.getMessage());
    }

    @Test
    void shouldSayWhyJemallocCannotBeUsedInThisJvm() {
        String preload = System.getenv("LD_PRELOAD");
        if (JemallocLibrary.installed() && preload != null && preload.contains("libjemalloc")) {
            assertTrue(JemallocLibrary.unavailability().isEmpty());
            return;
        }
        String reason = JemallocLibrary.unavailability().orElseThrow();
        assertTrue(reason.contains(JemallocLibrary.installed() ? "LD_PRELOAD=" : JemallocLibrary.INSTALL_HINT), reason);
    }
}
