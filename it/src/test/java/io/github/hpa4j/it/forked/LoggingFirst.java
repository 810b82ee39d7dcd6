package io.github.hpa4j.it.forked;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import org.slf4j.LoggerFactory;

/**
 * Starts a forked JVM's main class after SLF4J is initialized, as an application's main class does
 * with its own logger: otherwise Akka's threads log during SLF4J's initialization and SLF4J prints a
 * replay notice into the build's output. Arguments: the main class, then its arguments.
 */
public final class LoggingFirst {
    private LoggingFirst() {}

    public static void main(String[] args) throws Throwable {
        LoggerFactory.getILoggerFactory();
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object)
                    Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause(); // as if the main class had been started directly
        }
    }
}
