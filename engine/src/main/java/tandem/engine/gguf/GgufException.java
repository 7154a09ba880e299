package tandem.engine.gguf;

import tandem.engine.api.TandemException;

/**
 * A GGUF file that cannot be read, or metadata that is missing or of the wrong type.
 * The message is one line naming the file, and for structural problems the byte offset.
 */
public final class GgufException extends TandemException {
    public GgufException(String message) { super(message); }

    /** Names longer than this are shortened in messages. */
    static final int MAX_SHOWN = 100;

    /**
     * A key or tensor name from a file as a message quotes it: control characters as '?', so the
     * message stays one line, and a name longer than {@link #MAX_SHOWN} characters (a corrupt or
     * hostile file may hold a megabyte) cut to its start and its length.
     */
    public static String shown(String name) {
        String printable = name.length() <= MAX_SHOWN ? name : name.substring(0, MAX_SHOWN - 30);
        printable = printable.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return name.length() <= MAX_SHOWN ? printable : printable + "... (" + name.length() + " characters)";
    }

    /** "FILE: at byte OFFSET: PROBLEM". */
    static GgufException at(String file, long offset, String problem) {
        return new GgufException(file + ": at byte " + offset + ": " + problem);
    }
}
