package tandem.app;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceInfo;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.TandemException;

/**
 * {@code Tandem --self-check}: proves, without a display, that an installation works end to end —
 * its Java runtime, the native libraries and the bundled model. Prints the devices, loads the model
 * with default options, generates a few tokens greedily and prints them. When that ran on the CPU
 * although Vulkan devices exist (auto takes a real GPU only, so a CPU Vulkan driver such as CI's
 * lavapipe is passed over), it runs on Vulkan too, so the Vulkan path of the installation is proven
 * as well. Uses no JavaFX class, so it runs on servers and in CI, where the installers are checked.
 */
public final class SelfCheck {
    public static final String FLAG = "--self-check";
    static final String PROMPT = "Once upon a time";
    static final int TOKENS = 16;

    private SelfCheck() {}

    /** Exit status: 0 when the check passed; 1 with one line on {@code err} otherwise. */
    public static int run(Path model, PrintStream out, PrintStream err) {
        try {
            check(model, out);
            return 0;
        } catch (TandemException e) {
            err.println("self-check failed: " + e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // A broken installation lands here: a native library or a JDK module left out of the image.
            err.println("self-check failed: " + e + "; the installation looks incomplete: reinstall Tandem");
        }
        return 1;
    }

    private static void check(Path model, PrintStream out) {
        if (!Files.isRegularFile(model)) {
            throw new TandemException("bundled model not found at " + model + "; reinstall Tandem");
        }
        List<DeviceInfo> devices = Engine.devices();
        printDevices(devices, out);
        out.println("model: " + model);
        Backend used = generate(model, EngineOptions.defaults(), out);
        if (used != Backend.VULKAN && !devices.isEmpty()) {
            generate(model, EngineOptions.defaults().withBackend(Backend.VULKAN), out);
        }
        out.println("self-check passed");
    }

    /** Loads the model, generates greedily, prints one line "BACKEND: text (n tokens, speed)". */
    private static Backend generate(Path model, EngineOptions options, PrintStream out) {
        try (LoadedModel loaded = Engine.load(model, options, LoadProgress.NONE, () -> false);
             Session session = loaded.newSession()) {
            GenerationResult result = session.generate(PROMPT, SamplingParams.greedy(TOKENS), token -> {});
            if (result.generatedTokens() == 0) {
                throw new TandemException("the bundled model generated no tokens on " + loaded.backend()
                        + " (stop: " + result.stopReason() + "); reinstall Tandem");
            }
            out.printf("%s: %s%s (%d tokens, %.1f tokens/s)%n", loaded.backend(), PROMPT, result.text(),
                    result.generatedTokens(), result.tokensPerSecond());
            return loaded.backend();
        }
    }

    private static void printDevices(List<DeviceInfo> devices, PrintStream out) {
        out.println("devices: " + devices.size());
        for (DeviceInfo d : devices) {
            out.printf("  %d: %s (%s, %s, %d MiB)%n", d.index(), d.name(), d.type(), d.driver(), d.vramTotal() >> 20);
        }
    }
}
