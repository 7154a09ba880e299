package tandem.engine.cli;

import java.util.function.Supplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl+C while an answer streams stops that answer, not the program: SIGINT runs the cancel action
 * of the work in progress; between answers it does what it did before (ends the program).
 */
final class Interrupts implements AutoCloseable {
    private static final Signal INT = new Signal("INT");
    private final SignalHandler previous;
    private volatile Runnable cancel;

    private Interrupts(boolean install) {
        SignalHandler before = null;
        if (install) {
            try {
                before = Signal.handle(INT, this::interrupted);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                before = null; // the VM keeps SIGINT for itself (e.g. -Xrs): Ctrl+C ends the program as usual
            }
        }
        previous = before;
    }

    /** Routes SIGINT to {@link #during}'s cancel actions until closed. */
    static Interrupts install() { return new Interrupts(true); }

    private void interrupted(Signal signal) {
        Runnable c = cancel;
        if (c != null) c.run();
        else if (previous != null) previous.handle(signal);
    }

    /** Runs the work; a SIGINT meanwhile calls {@code onInterrupt} (which should make the work return soon). */
    <T> T during(Runnable onInterrupt, Supplier<T> work) {
        cancel = onInterrupt;
        try {
            return work.get();
        } finally {
            cancel = null;
        }
    }

    @Override
    public void close() {
        if (previous != null) Signal.handle(INT, previous);
    }
}
