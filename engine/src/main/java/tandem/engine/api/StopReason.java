package tandem.engine.api;

/** Why a generation ended. */
public enum StopReason { END_OF_TEXT, STOP_STRING, MAX_TOKENS, CONTEXT_FULL, CANCELLED, ERROR }
