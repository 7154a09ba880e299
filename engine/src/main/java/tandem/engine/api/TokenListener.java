package tandem.engine.api;

/** Receives tokens as they are generated, on the generating thread. Keep it fast. */
@FunctionalInterface
public interface TokenListener {
    void onToken(TokenEvent event);
}
