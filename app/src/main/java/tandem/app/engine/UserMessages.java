package tandem.app.engine;

import tandem.engine.api.TandemException;

/** Turns a failure into one line a user can act on; never a stack trace. */
public final class UserMessages {
    private UserMessages() {}

    public static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && !(t instanceof TandemException)
                && (t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof TandemException) return message;
        if (t instanceof UnsupportedOperationException) return "Not available in this build yet: " + message + ".";
        if (t instanceof OutOfMemoryError) return "Out of memory: choose a smaller model or context, or give Java more memory (-Xmx).";
        return "Unexpected error (" + t.getClass().getSimpleName() + "): " + message
                + ". Please report it with the steps that led here.";
    }
}
