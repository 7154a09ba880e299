package tandem.app.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a save that the disk refused left behind, as {@link FullTmpfsWriter} saw it from inside
 * its namespace and {@link RealFullDiskTest} reads it back from the lines the writer printed.
 *
 * @param told what the user was told (the store's message, or the notice bar's text)
 * @param previousKept whether the file is byte for byte what it was before the save
 * @param files the names in the file's folder afterwards, sorted
 */
record FailedSave(String told, boolean previousKept, List<String> files) {

    /** Runs {@code save}, which returns what the user was told, and looks at {@code previous} and its folder after. */
    static FailedSave of(Path previous, Supplier<String> save) {
        try {
            byte[] before = Files.readAllBytes(previous);
            String told = save.get();
            return new FailedSave(told, Arrays.equals(before, Files.readAllBytes(previous)),
                    SaveChecks.fileNames(previous.getParent()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code name.told=…}, {@code name.kept=…}, {@code name.files=…}: one line each, messages being one line. */
    String lines(String name) {
        return name + ".told=" + told + "\n" + name + ".kept=" + previousKept + "\n" + name + ".files=" + String.join(" ", files);
    }

    /** The save printed as {@code name} by {@link #lines}, out of the printed lines split at their first '='. */
    static FailedSave read(Map<String, String> printed, String name) {
        String files = printed.getOrDefault(name + ".files", "");
        return new FailedSave(printed.get(name + ".told"), Boolean.parseBoolean(printed.get(name + ".kept")),
                files.isEmpty() ? List.of() : List.of(files.split(" ")));
    }
}
