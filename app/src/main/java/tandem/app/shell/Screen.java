package tandem.app.shell;

import javafx.scene.input.KeyCode;

/** The window's screens, in navigation order; Ctrl+1..6 switches to them. */
public enum Screen {
    CHAT("Chat", KeyCode.DIGIT1),
    MODEL("Model", KeyCode.DIGIT2),
    DEVICES("Devices", KeyCode.DIGIT3),
    SPLIT("Split", KeyCode.DIGIT4),
    MONITOR("Monitor", KeyCode.DIGIT5),
    SERVER("Server", KeyCode.DIGIT6),
    PREFERENCES("Preferences", KeyCode.DIGIT7);

    private final String title;
    private final KeyCode key;

    Screen(String title, KeyCode key) {
        this.title = title;
        this.key = key;
    }

    public String title() { return title; }

    public KeyCode key() { return key; }

    /** The saved name back to a screen; unknown names (older versions) fall back to Chat. */
    public static Screen parse(String name) {
        for (Screen s : values()) if (s.name().equals(name)) return s;
        return CHAT;
    }
}
