package tandem.app.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static tandem.app.store.SaveChecks.assertOneLineEndingInEnospc;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FullDiskTest} on a real full disk: {@link FullTmpfsWriter} saves into a 64 KiB tmpfs, so
 * the ENOSPC comes from the kernel, at whatever point tmpfs runs out of pages. The tmpfs is mounted
 * in a user and mount namespace of the child's own ({@code unshare -rm}): no root needed, nothing
 * mounted on the host, nothing to unmount when the child ends or is killed.
 *
 * <p>Linux only, as tmpfs and namespaces are; there it fails rather than skips when {@code unshare}
 * is missing or refused, so CI cannot pass without running it.
 */
@EnabledOnOs(OS.LINUX)
class RealFullDiskTest {
    private static final int TMPFS_KIB = 64;
    private static final long CHILD_SECONDS = 30;

    @TempDir Path dir;

    @Test
    void fullTmpfsGivesOneLineAndKeepsThePreviousFiles() throws Exception {
        Path tmpfs = Files.createDirectory(dir.resolve("tmpfs"));
        long start = System.nanoTime();
        Map<String, String> printed = runInTinyTmpfs(tmpfs);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(TMPFS_KIB * 1024L, Long.parseLong(printed.get("tmpfs.bytes")), printed.toString());

        FailedSave store = FailedSave.read(printed, "history.store");
        assertOneLineEndingInEnospc(store.told(), "cannot save chat history to " + tmpfs.resolve("history.json"));
        assertKept(store, "history.json", "settings.json");

        FailedSave historyNotice = FailedSave.read(printed, "history.notice");
        assertOneLineEndingInEnospc(historyNotice.told(), "Chat history not saved: cannot save chat history to " + tmpfs.resolve("history.json"));
        assertKept(historyNotice, "history.json", "settings.json");

        FailedSave settingsNotice = FailedSave.read(printed, "settings.notice");
        assertOneLineEndingInEnospc(settingsNotice.told(), "Settings not saved: cannot save settings to " + tmpfs.resolve("settings.json"));
        assertKept(settingsNotice, "ballast", "history.json", "settings.json");

        System.out.println("RealFullDiskTest: " + TMPFS_KIB + " KiB tmpfs, " + printed.get("tmpfs.free") + " bytes free after "
                + printed.get("history.bytes") + " + " + printed.get("settings.bytes") + " bytes saved; 1 MB history and a "
                + "100,000-character title refused, settings refused after a " + printed.get("ballast.bytes")
                + "-byte ballast; previous files byte-identical, no temp file; " + millis + " ms");
    }

    private static void assertKept(FailedSave save, String... files) {
        assertTrue(save.previousKept(), "the previous file changed: " + save);
        assertEquals(List.of(files), save.files(), "a temporary file was left: " + save);
    }

    /** Runs the writer with {@code mountPoint} a fresh tmpfs, and returns what it printed as key=value pairs. */
    private Map<String, String> runInTinyTmpfs(Path mountPoint) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(unshare().toString(), "-rm", "sh", "-c",
                "mount -t tmpfs -o size=" + TMPFS_KIB + "k tmpfs \"$0\" && exec \"$@\"", mountPoint.toString()));
        command.addAll(ChildJvm.command(FullTmpfsWriter.class, mountPoint.toString()));
        Path output = dir.resolve("writer.out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) fail("the writer did not end in " + CHILD_SECONDS + " s: " + Files.readString(output));
        } finally {
            child.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "unshare, mount or the writer failed:\n" + printed);
        // The writer's log lines (its saves fail, so it logs them) come in between; figures are "key=value".
        return printed.lines().filter(l -> l.matches("[a-z.]+=.*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }

    private static Path unshare() {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(folder -> Path.of(folder, "unshare"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseGet(() -> fail("RealFullDiskTest needs unshare (util-linux) on the PATH to mount a tmpfs in a "
                        + "namespace of its own; install util-linux"));
    }
}
