package tandem.engine.cli;

/**
 * One line typed in {@code tandem chat}: a command for the chat itself ({@code /exit}, {@code /reset},
 * {@code /system TEXT}) or a message for the model. A line starting with "/" is never sent to the model.
 */
sealed interface ChatInput {
    String HELP = "/reset starts over, /system TEXT sets the system message, /exit quits; Ctrl+C stops an answer";

    record Exit() implements ChatInput {}
    record Reset() implements ChatInput {}
    /** Sets the system message; empty text removes it. */
    record System(String text) implements ChatInput {}
    record Message(String text) implements ChatInput {}
    record Blank() implements ChatInput {}
    record Unknown(String command) implements ChatInput {}

    static ChatInput parse(String line) {
        String s = line.strip();
        if (s.isEmpty()) return new Blank();
        if (!s.startsWith("/")) return new Message(line);
        int space = s.indexOf(' ');
        String command = space < 0 ? s : s.substring(0, space);
        String rest = space < 0 ? "" : s.substring(space + 1).strip();
        return switch (command) {
            case "/exit", "/quit" -> new Exit();
            case "/reset" -> new Reset();
            case "/system" -> new System(rest);
            default -> new Unknown(command);
        };
    }
}
