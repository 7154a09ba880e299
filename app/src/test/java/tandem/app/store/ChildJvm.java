package tandem.app.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts a JVM like the test's own (same java, same class path) running a given
 * main class: the reliability tests need a process of their own, to kill it or to shut it in a
 * namespace with a file system the test's JVM cannot see.
 */
final class ChildJvm {
    private ChildJvm() {}

    static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
