package io.github.hpa4j.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the report says about where it ran; every field falls back to "unknown" off Linux. */
record MachineInfo(
        String cpu, int cores, String memory, String kernel, String thpEnabled, String thpDefrag, String jdk) {

    static MachineInfo detect() {
        String cpu = grep(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
        String memory = grep(Path.of("/proc/meminfo"), "MemTotal")
                .map(kb -> String.format(
                        "%.1f GiB", Long.parseLong(kb.replace("kB", "").trim()) / 1048576.0))
                .orElse("unknown");
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + Runtime.version();
        return new MachineInfo(
                cpu,
                Runtime.getRuntime().availableProcessors(),
                memory,
                kernel,
                read(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")),
                read(Path.of("/sys/kernel/mm/transparent_hugepage/defrag")),
                jdk);
    }

    /**
     * The 1, 5 and 15 minute load averages: other work on the machine (a parallel build) slows every
     * benchmark, and the report must say so rather than pass it off as the allocators' speed.
     */
    static String loadAverage() {
        String text = read(Path.of("/proc/loadavg"));
        String[] fields = text.split(" ", -1);
        return fields.length >= 3 ? fields[0] + " " + fields[1] + " " + fields[2] : text;
    }

    private static Optional<String> grep(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
