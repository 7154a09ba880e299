package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.gguf.SharedData;

/**
 * After {@link Engine#loadNativeLibraries()} the engine loads no native library of its own any
 * more — discovery, checking, loading on Vulkan and generating included. That is what makes it
 * safe for the app to start JavaFX afterwards: LWJGL's library loading calls {@code dlclose}
 * inside a {@code dl_iterate_phdr} callback, which deadlocks against any other thread's
 * {@code dlopen}. Runs in a child JVM with LWJGL's loader log, which must stay silent after
 * the marker line.
 */
class NativeLibrariesTest {
    static final String MARKER = "=== natives loaded ===";

    /** The child: loads the natives, prints the marker, then uses the engine as the app does. */
    public static void main(String[] args) {
        Engine.loadNativeLibraries();
        System.err.println(MARKER);
        Path model = Path.of(args[0]);
        Engine.devices();
        Engine.check(model);
        EngineOptions vulkan = EngineOptions.defaults().withBackend(Backend.VULKAN);
        try (LoadedModel loaded = Engine.load(model, vulkan, (f, s) -> {}, () -> false);
             Session session = loaded.newSession()) {
            session.generate(loaded.tokenizer().encode("Once upon a time", true, false),
                    SamplingParams.greedy(4), event -> {});
        }
        System.err.println("=== done ===");
    }

    @Test
    void nothingIsLoadedAfterTheNativesWereLoadedUpFront() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--enable-native-access") || flag.startsWith("--add-modules") || flag.startsWith("-Dorg.lwjgl")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-Dorg.lwjgl.util.Debug=true", "-Dorg.lwjgl.util.DebugLoader=true",
                "-cp", System.getProperty("java.class.path"), NativeLibrariesTest.class.getName(),
                SharedData.data("models/stories260K.gguf").toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = child.getInputStream().readAllBytes();
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child ends");
        String log = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), log);
        assertTrue(log.contains("=== done ==="), log);
        String before = log.substring(0, log.indexOf(MARKER));
        String after = log.substring(log.indexOf(MARKER));
        assertTrue(before.contains("libvulkan.so") || before.contains("vulkan-1") || before.contains("libvulkan"),
                "the Vulkan loader is loaded up front: " + before);
        assertTrue(before.contains("lwjgl_vma"), "VMA is loaded up front: " + before);
        List<String> lateLoads = after.lines().filter(l -> l.startsWith("[LWJGL] Loading")).toList();
        assertEquals(List.of(), lateLoads, "libraries LWJGL loaded after start-up:\n" + after);
    }
}
