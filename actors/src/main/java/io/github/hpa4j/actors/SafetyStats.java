package io.github.hpa4j.actors;

/**
 * What the safety checks saw.
 *
 * @param level             the safety level in force
 * @param watchedForLeaks   live handles the leak detector watches now
 * @param leaksReported     handles found unreachable without a free (each logged once)
 * @param writesAfterFree   quarantined extents found written to after their free (checked levels)
 * @param quarantinedExtents extents waiting in quarantine now
 * @param quarantinedBytes  their bytes: active in their shards, held by nobody
 */
public record SafetyStats(
        SafetySettings.Level level,
        long watchedForLeaks,
        long leaksReported,
        long writesAfterFree,
        long quarantinedExtents,
        long quarantinedBytes) {

    public static final SafetyStats NONE = new SafetyStats(SafetySettings.Level.STANDARD, 0, 0, 0, 0, 0);
}
