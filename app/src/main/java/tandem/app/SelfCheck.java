package tandem.app;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tandem.engine.runtime.DeviceInfo;
import tandem.engine.runtime.Engine;
import tandem.engine.runtime.EngineOptions;
import tandem.engine.runtime.GenerationResult;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.SamplingParams;
import tandem.engine.runtime.Session;
import tandem.engine.runtime.TandemException;

/**
 * {@code Tandem --self-check}: proves, without a display, that an installation works end to end —
 * its Java runtime, the native libraries and the bundled model. Prints the devices, loads the model
 * with default options, generates a few tokens greedily and prints them. Uses no JavaFX class, so it
 * runs on servers and in CI, where the installers are checked.
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
        printDevices(Engine.devices(), out);
        try (LoadedModel loaded = Engine.load(model, EngineOptions.defaults(), LoadProgress.NONE, () -> false);
             Session session = loaded.newSession()) {
            out.println("model: " + model + " on " + loaded.backend());
            GenerationResult result = session.generate(PROMPT, SamplingParams.greedy(TOKENS), token -> {});
            if (result.generatedTokens() == 0) {
                throw new TandemException("the bundled model generated no tokens (stop: " + result.stopReason()
                        + "); reinstall Tandem");
            }
            out.println("text: " + PROMPT + result.text());
            out.printf("self-check passed: %d tokens, %.1f tokens/s%n", result.generatedTokens(), result.tokensPerSecond());
        }
    }

    private static void printDevices(List<DeviceInfo> devices, PrintStream out) {
        out.println("devices: " + devices.size());
        for (DeviceInfo d : devices) {
            out.printf("  %d: %s (%s, %s, %d MiB)%n", d.index(), d.name(), d.type(), d.driver(), d.vramTotal() >> 20);
        }
    }
}
