package tandem.app.remote;

import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import tandem.app.ui.Widgets;

/**
 * The line above the Devices, Split and Monitor screens while a remote engine answers the chat:
 * its server owns its GPUs, so these screens are about local models; the Monitor's adds the
 * remote answer's speed as measured on this side.
 */
public final class RemoteBanner {
    private RemoteBanner() {}

    /** The screen with the banner above it (the banner takes no room while the model answers locally). */
    public static Node above(Node screen, RemoteViewModel remote, boolean withSpeed) {
        Label banner = Widgets.message(withSpeed ? "remote-monitor" : null, "banner", Bindings.createStringBinding(() -> {
            if (remote.activeProperty().get() == null) return "";
            String text = "A remote engine answers the chat: " + remote.activeProperty().get().describe()
                    + ". Its server owns its GPUs; what this screen shows is about local models.";
            return withSpeed ? text + speed(remote.speedProperty().get()) : text;
        }, remote.activeProperty(), remote.speedProperty()));
        BorderPane pane = new BorderPane(screen);
        pane.setTop(banner);
        return pane;
    }

    /** " Last answer, measured here: 41.2 tokens/s, first token 130 ms (64 tokens)." */
    static String speed(RemoteSpeed s) {
        if (s == null) return "";
        String figures = String.format(Locale.ROOT, "%.1f tokens/s, first token %.0f ms (%d tokens)", s.tokensPerSecond(),
                s.firstTokenMillis(), s.tokens());
        if (s.streaming()) return s.tokens() == 0 ? " Waiting for its first token…" : " Answering, measured here: " + figures + ".";
        return " Last answer, measured here: " + figures + ".";
    }
}
