package tandem.app.shell;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import tandem.app.settings.SettingsService;
import tandem.app.settings.Theme;

/** The window's own state: which screen is shown and the theme; both are remembered. */
public final class ShellViewModel {
    private final ObjectProperty<Screen> screen = new SimpleObjectProperty<>(this, "screen");
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme");

    public ShellViewModel(SettingsService settings) {
        screen.set(Screen.parse(settings.current().lastScreen()));
        theme.set(settings.current().theme());
        screen.addListener((obs, old, now) -> settings.update(s -> s.withLastScreen(now.name())));
        theme.addListener((obs, old, now) -> settings.update(s -> s.withTheme(now)));
    }

    public ObjectProperty<Screen> screenProperty() { return screen; }

    public ObjectProperty<Theme> themeProperty() { return theme; }

    public void toggleTheme() { theme.set(theme.get().other()); }
}
