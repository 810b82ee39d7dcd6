package io.github.hpa4j.it.runner;

import java.nio.file.Path;

/**
 * What a finished run left behind.
 *
 * @param reportFile the text report
 * @param chartFile  the PNG timeline
 * @param report     the report's text
 */
public record RunResult(Path reportFile, Path chartFile, String report) {}
