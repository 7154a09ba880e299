package tandem.app.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.app.settings.SettingsService;
import tandem.app.settings.Theme;

class ShellViewModelTest {
    @TempDir Path dir;

    @Test
    void screenAndThemeAreRememberedAcrossRuns() {
        Path file = dir.resolve("settings.json");
        ShellViewModel first = new ShellViewModel(new SettingsService(file, Runnable::run));
        assertEquals(Screen.CHAT, first.screenProperty().get());
        assertEquals(Theme.LIGHT, first.themeProperty().get());
        first.screenProperty().set(Screen.MONITOR);
        first.toggleTheme();

        ShellViewModel second = new ShellViewModel(new SettingsService(file, Runnable::run));
        assertEquals(Screen.MONITOR, second.screenProperty().get());
        assertEquals(Theme.DARK, second.themeProperty().get());
    }

    @Test
    void unreadableSettingsAreSetAsideAndDefaultsUsed() throws Exception {
        Path file = dir.resolve("settings.json");
        Files.writeString(file, "{\"theme\": \"PLAID\"}");
        SettingsService settings = new SettingsService(file, Runnable::run);
        assertEquals(Theme.LIGHT, new ShellViewModel(settings).themeProperty().get());
        assertTrue(settings.loadProblem().contains("settings.json.corrupt-"), settings.loadProblem());
    }
}
