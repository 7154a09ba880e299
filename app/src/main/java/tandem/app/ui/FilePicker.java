package tandem.app.ui;

import java.io.File;
import java.nio.file.Path;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/** Asks the user for a file or folder (null: cancelled). The UI tests answer without a native dialog. */
public interface FilePicker {
    /** @param pattern e.g. "*.json" */
    Path open(Window owner, String title, String kind, String pattern);

    Path save(Window owner, String title, String suggestedName, String kind, String pattern);

    Path folder(Window owner, String title, Path initial);

    /** The platform's own dialogs. */
    static FilePicker system() {
        return new FilePicker() {
            @Override
            public Path open(Window owner, String title, String kind, String pattern) {
                return path(chooser(title, kind, pattern).showOpenDialog(owner));
            }

            @Override
            public Path save(Window owner, String title, String suggestedName, String kind, String pattern) {
                FileChooser chooser = chooser(title, kind, pattern);
                chooser.setInitialFileName(suggestedName);
                return path(chooser.showSaveDialog(owner));
            }

            @Override
            public Path folder(Window owner, String title, Path initial) {
                DirectoryChooser chooser = new DirectoryChooser();
                chooser.setTitle(title);
                if (initial != null && initial.toFile().isDirectory()) chooser.setInitialDirectory(initial.toFile());
                return path(chooser.showDialog(owner));
            }

            private static FileChooser chooser(String title, String kind, String pattern) {
                FileChooser chooser = new FileChooser();
                chooser.setTitle(title);
                chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind, pattern));
                return chooser;
            }

            private static Path path(File file) { return file == null ? null : file.toPath(); }
        };
    }
}
