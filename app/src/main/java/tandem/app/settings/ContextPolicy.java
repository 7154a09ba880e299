package tandem.app.settings;

/** What the chat does when a conversation no longer fits in the model's context. */
public enum ContextPolicy {
    /** Refuse to answer and say so: nothing the model sees is left out silently. */
    STOP("When full: stop"),
    /** Keep the system prompt and the latest turns, leave out the oldest, and say so in the conversation. */
    ROLLING_WINDOW("When full: rolling window");

    private final String label;

    ContextPolicy(String label) { this.label = label; }

    @Override
    public String toString() { return label; }
}
