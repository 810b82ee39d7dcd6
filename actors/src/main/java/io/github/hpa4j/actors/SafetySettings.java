package io.github.hpa4j.actors;

/**
 * The validated {@code hpa4j.safety} section: how much checking each allocation pays for.
 *
 * @param level           {@link Level#STANDARD}, {@link Level#CHECKED} or {@link Level#PARANOID}
 * @param leakSampling    at {@code standard} and {@code checked}: one handle in this many is
 *                        watched for a leak (0 = none); {@code paranoid} watches every one
 * @param quarantineBytes at {@code checked} and {@code paranoid}: bytes of freed extents each shard
 *                        holds poisoned before they can be handed out again
 */
public record SafetySettings(Level level, int leakSampling, long quarantineBytes) {

    /** What each level adds to the one below it. */
    public enum Level {
        /**
         * Identity handles, segments scoped to the allocator (no access after stop), sampled leak
         * reports without allocation sites.
         */
        STANDARD,
        /**
         * Each allocation's segment has a scope of its own that its free closes (access after free
         * throws); freed extents are poisoned and wait in a bounded quarantine, and a write found in
         * one when it leaves is reported; every handle records where it was allocated.
         */
        CHECKED,
        /** Checked, and every handle is watched for a leak. */
        PARANOID;

        boolean checked() {
            return this != STANDARD;
        }
    }

    public static final SafetySettings DEFAULT = new SafetySettings(Level.STANDARD, 128, 16L << 20);

    /** Refuses a setting outside its range, naming its key. */
    public SafetySettings {
        require(level != null, "level", "must be given");
        require(leakSampling >= 0, "leak-sampling", "must not be negative, got " + leakSampling);
        require(quarantineBytes >= 0, "quarantine-bytes", "must not be negative, got " + quarantineBytes);
    }

    /**
     * {@return these settings with {@code level} set to {@code value}}
     *
     * @param value the new {@code level}
     */
    public SafetySettings withLevel(Level value) {
        return new SafetySettings(value, leakSampling, quarantineBytes);
    }

    /**
     * {@return these settings with {@code leakSampling} set to {@code value}}
     *
     * @param value the new {@code leakSampling}
     */
    public SafetySettings withLeakSampling(int value) {
        return new SafetySettings(level, value, quarantineBytes);
    }

    /**
     * {@return these settings with {@code quarantineBytes} set to {@code value}}
     *
     * @param value the new {@code quarantineBytes}
     */
    public SafetySettings withQuarantineBytes(long value) {
        return new SafetySettings(level, leakSampling, value);
    }

    private static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw new Hpa4jConfigException(Hpa4jSettings.ROOT + ".safety." + key, problem);
        }
    }
}
