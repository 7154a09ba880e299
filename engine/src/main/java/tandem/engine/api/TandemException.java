package tandem.engine.api;

/**
 * An error meant for the user: its message is one line that says what, where and what to do.
 * The CLI prints it as is; the app shows it in plain words. Never used for programming errors.
 */
public class TandemException extends RuntimeException {
    public TandemException(String message) { super(message); }
    public TandemException(String message, Throwable cause) { super(message, cause); }
}
