package tandem.engine.gguf;

import tandem.engine.runtime.TandemException;

/**
 * A GGUF file that cannot be read, or metadata that is missing or of the wrong type.
 * The message is one line naming the file, and for structural problems the byte offset.
 */
public final class GgufException extends TandemException {
    public GgufException(String message) { super(message); }

    /** "FILE: at byte OFFSET: PROBLEM". */
    static GgufException at(String file, long offset, String problem) {
        return new GgufException(file + ": at byte " + offset + ": " + problem);
    }
}
