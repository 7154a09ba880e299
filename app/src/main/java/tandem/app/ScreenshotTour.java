package tandem.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import tandem.app.chat.ConversationViewModel;
import tandem.app.chat.MessageViewModel;
import tandem.app.settings.Theme;
import tandem.app.shell.Screen;
import tandem.engine.api.SplitMode;

/**
 * Captures the running app for the README: waits for the demo model, splits it over the first
 * Vulkan device used as two logical devices (when there is one), asks it for a story twice (Regenerate), then shows
 * each screen and writes a snapshot of the window's scene as {@code <screen>.png} (plus two in the
 * dark theme), and exits. Needs no display: the launcher runs it on JavaFX's headless platform.
 */
final class ScreenshotTour {
    private static final long SETTLE_MILLIS = 700;

    private final AppContext app;
    private final Stage stage;
    private final Path dir;

    ScreenshotTour(AppContext app, Stage stage, Path dir) {
        this.app = app;
        this.stage = stage;
        this.dir = dir;
    }

    void start() {
        Thread.ofPlatform().name("tandem-screenshots").daemon(true).start(this::tour);
    }

    private void tour() {
        try {
            Files.createDirectories(dir);
            waitFor(() -> onFx(() -> app.devices().discoveredProperty().get() && !app.model().loadingProperty().get()
                    && (app.model().loadedProperty().get() != null || !app.model().loadProblemProperty().get().isEmpty())));
            if (splitOverTwoLogicalDevices()) reloadWithTheSplit();
            onFx(() -> {
                app.shell().themeProperty().set(Theme.LIGHT);
                app.chat().newConversation();
                app.chat().inputProperty().set("Once upon a time, a little robot");
                app.chat().send();
                return null;
            });
            waitFor(() -> onFx(() -> !app.chat().generatingProperty().get()));
            // A second answer to the same question, so the picture shows ‹ 2/2 › to flip between them.
            onFx(() -> {
                app.chat().regenerate();
                return null;
            });
            waitFor(() -> onFx(() -> !app.chat().generatingProperty().get()));
            for (Screen screen : Screen.values()) capture(screen, screen.name().toLowerCase(Locale.ROOT));
            if (measureTheSplit()) capture(Screen.SPLIT, "measure");
            onFx(() -> {
                markdownConversation();
                return null;
            });
            capture(Screen.CHAT, "chat-markdown");
            onFx(() -> {
                app.shell().themeProperty().set(Theme.DARK);
                return null;
            });
            capture(Screen.CHAT, "chat-dark");
            capture(Screen.SPLIT, "split-dark");
            // The smallest window the layout is made for.
            onFx(() -> {
                app.shell().themeProperty().set(Theme.LIGHT);
                stage.setWidth(900);
                stage.setHeight(600);
                return null;
            });
            capture(Screen.CHAT, "chat-900x600");
            capture(Screen.MONITOR, "monitor-900x600");
            System.err.println("tandem: screenshots written to " + dir);
        } catch (Exception e) {
            System.err.println("tandem: screenshots failed: " + e);
        } finally {
            Platform.runLater(Platform::exit);
        }
    }

    /**
     * A conversation whose answer is Markdown with a table and a code block. The demo model only
     * writes children's stories, so this answer is put into the history for the picture; the
     * README says so.
     */
    private void markdownConversation() {
        ConversationViewModel c = app.chat().newConversation();
        c.titleProperty().set("Reverse a string in Java");
        c.messages().add(new MessageViewModel(MessageViewModel.USER, "How do I reverse a string in Java? Compare the options."));
        c.messages().add(new MessageViewModel(MessageViewModel.ASSISTANT, MARKDOWN_ANSWER));
    }

    private static final String MARKDOWN_ANSWER = """
            ## Reversing a string

            The shortest way is `StringBuilder.reverse()`, and it keeps **surrogate pairs** together:

            ```java
            static String reverse(String s) {
                return new StringBuilder(s).reverse().toString();
            }
            ```

            | Approach | Allocations | Keeps pairs |
            |:---|---:|:---:|
            | `StringBuilder.reverse()` | 1 | yes |
            | swapping a `char[]` | 1 | no |
            | recursion | *n* | no |

            1. Prefer the library call.
            2. Test with text outside the BMP, such as musical symbols.
            """;

    /**
     * Gives the split configurator something to show: the first Vulkan device as two logical
     * devices at 60:40 in tensor mode. This changes the settings, which is why the launcher's
     * --screenshot runs with a scratch data folder. False when there is no Vulkan device.
     */
    private boolean splitOverTwoLogicalDevices() throws InterruptedException {
        boolean hasDevice = onFx(() -> {
            if (app.devices().devices().isEmpty()) return false;
            var first = app.devices().devices().getFirst();
            first.includedProperty().set(true);
            first.instancesProperty().set(2);
            app.split().modeProperty().set(SplitMode.TENSOR);
            app.split().setWeight(0, 60);
            app.split().setWeight(1, 40);
            return true;
        });
        if (hasDevice) {
            waitFor(() -> onFx(() -> app.split().planProperty().get() != null || !app.split().planProblemProperty().get().isEmpty()));
        }
        return hasDevice;
    }

    /** Runs Measure on the Split screen (tensor, layer, none); false when it cannot run here (one device). */
    private boolean measureTheSplit() throws InterruptedException {
        boolean started = onFx(() -> {
            if (!app.measure().canMeasureProperty().get()) return false;
            app.shell().screenProperty().set(Screen.SPLIT); // shown while it measures: the results scroll into view
            app.measure().start();
            return true;
        });
        if (started) waitFor(() -> onFx(() -> !app.measure().runningProperty().get()));
        return started;
    }

    /** Loads the model with the split (so the monitor shows the all-reduce); back to the CPU engine if that fails. */
    private void reloadWithTheSplit() throws InterruptedException {
        onFx(() -> {
            app.model().load(app.split().options());
            return null;
        });
        waitFor(() -> onFx(() -> !app.model().loadingProperty().get()));
        if (onFx(() -> app.model().loadedProperty().get() != null)) return;
        System.err.println("tandem: screenshots use the CPU engine: " + onFx(() -> app.model().loadProblemProperty().get()));
        onFx(() -> {
            app.devices().select(java.util.List.of());
            app.model().load(app.split().options());
            return null;
        });
        waitFor(() -> onFx(() -> !app.model().loadingProperty().get()));
    }

    private void capture(Screen screen, String name) throws InterruptedException {
        onFx(() -> {
            app.shell().screenProperty().set(screen);
            return null;
        });
        Thread.sleep(SETTLE_MILLIS);
        onFx(() -> {
            write(stage.getScene().snapshot(null), dir.resolve(name + ".png"));
            return null;
        });
    }

    private static void write(WritableImage image, Path file) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) out.setRGB(x, y, pixels.getArgb(x, y));
        }
        try {
            ImageIO.write(out, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for the app");
            Thread.sleep(100);
        }
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.join();
    }
}
