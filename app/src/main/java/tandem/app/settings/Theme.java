package tandem.app.settings;

/** The window's colour scheme; each has a stylesheet under {@code tandem/app/}. */
public enum Theme {
    LIGHT("light.css"), DARK("dark.css");

    private final String stylesheet;

    Theme(String stylesheet) { this.stylesheet = stylesheet; }

    /** The resource name of the theme's colours, layered over the shared {@code tandem.css}. */
    public String stylesheet() { return stylesheet; }

    public Theme other() { return this == LIGHT ? DARK : LIGHT; }
}
