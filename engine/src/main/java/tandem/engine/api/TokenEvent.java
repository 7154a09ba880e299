package tandem.engine.api;

/**
 * One generated token.
 *
 * @param tokenId  vocabulary id; -1 for the final event of a generation that only delivers text held
 *                 back until the end (a possible stop-string start or an unfinished UTF-8 character)
 * @param text     the text this token completes (may be empty while a UTF-8 character is incomplete)
 * @param index    0 for the first generated token
 * @param nanos    engine time since the generation started
 */
public record TokenEvent(int tokenId, String text, int index, long nanos) {}
