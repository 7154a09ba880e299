package tandem.engine.api;

/** Load progress callback: fraction in [0, 1] and what is happening. Called from the loading thread. */
@FunctionalInterface
public interface LoadProgress {
    void update(double fraction, String stage);

    LoadProgress NONE = (f, s) -> {};
}
