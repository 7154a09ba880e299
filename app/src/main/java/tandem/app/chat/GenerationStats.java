package tandem.app.chat;

import java.util.Locale;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.StopReason;

/**
 * The figures shown under an answer, taken from the engine's own timestamps (never from how
 * fast the screen happened to update).
 */
public record GenerationStats(int generatedTokens, double tokensPerSecond, double timeToFirstTokenMillis,
                              StopReason stopReason) {
    public static GenerationStats from(GenerationResult result) {
        return new GenerationStats(result.generatedTokens(), result.tokensPerSecond(),
                result.timeToFirstTokenMillis(), result.stopReason());
    }

    /** "42 tokens · 118.3 tokens/s · first token 12 ms · stopped". */
    public String summary() {
        StringBuilder text = new StringBuilder()
                .append(generatedTokens).append(generatedTokens == 1 ? " token" : " tokens")
                .append(" · ").append(String.format(Locale.ROOT, "%.1f", tokensPerSecond)).append(" tokens/s")
                .append(" · first token ").append(String.format(Locale.ROOT, "%.0f", timeToFirstTokenMillis)).append(" ms");
        String why = switch (stopReason) {
            case CANCELLED -> "stopped";
            case MAX_TOKENS -> "length limit reached";
            case CONTEXT_FULL -> "context full";
            case ERROR -> "error";
            case END_OF_TEXT, STOP_STRING -> "";
        };
        if (!why.isEmpty()) text.append(" · ").append(why);
        return text.toString();
    }
}
