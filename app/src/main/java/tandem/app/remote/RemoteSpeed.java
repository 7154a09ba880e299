package tandem.app.remote;

/**
 * A remote answer's speed as this side sees it (the remote server's own timings are not known).
 *
 * @param tokens            pieces of text received so far (the server's count once it ends, when it sends one)
 * @param tokensPerSecond   from the first piece to the latest
 * @param firstTokenMillis  from sending the request to the first piece
 * @param streaming         whether the answer is still coming
 */
public record RemoteSpeed(int tokens, double tokensPerSecond, double firstTokenMillis, boolean streaming) {}
