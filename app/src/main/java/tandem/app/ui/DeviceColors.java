package tandem.app.ui;

import javafx.scene.paint.Color;

/** One colour per device, the same on every screen (split bar, cards, charts). */
public final class DeviceColors {
    private static final Color[] PALETTE = {
            Color.web("#4e79a7"), Color.web("#f28e2b"), Color.web("#59a14f"), Color.web("#e15759"),
            Color.web("#b07aa1"), Color.web("#76b7b2"), Color.web("#edc948"), Color.web("#9c755f")};
    private static final Color CPU = Color.web("#8a8f98");

    private DeviceColors() {}

    /** @param physicalIndex the device's index, or -1 for the CPU engine */
    public static Color of(int physicalIndex) {
        return physicalIndex < 0 ? CPU : PALETTE[physicalIndex % PALETTE.length];
    }

    /**
     * The colour of one logical device: a GPU used as several logical devices keeps its hue, each
     * further instance a shade darker, so the segments of the split bar stay apart.
     */
    public static Color of(int physicalIndex, int instance) {
        return of(physicalIndex).deriveColor(0, 1, Math.pow(0.78, instance), 1);
    }

    /** The colour as CSS, for inline styles. */
    public static String css(int physicalIndex) {
        return css(of(physicalIndex));
    }

    public static String css(Color c) {
        return String.format(java.util.Locale.ROOT, "#%02x%02x%02x",
                Math.round(c.getRed() * 255), Math.round(c.getGreen() * 255), Math.round(c.getBlue() * 255));
    }
}
