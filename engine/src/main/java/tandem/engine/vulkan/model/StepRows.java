package tandem.engine.vulkan.model;

import java.util.List;

/**
 * Which rows of a step's activations belong to which sequence when several sequences share a step
 * (parallel streams): part i's {@code tokens} rows from {@code row} go to its own KV cache and step
 * parameters (its position) and attend to that cache only; every product takes all rows at once.
 * The logits are those of rows {@code firstLogitRow} to the end.
 */
public record StepRows(List<Part> parts, int firstLogitRow) {
    /** One sequence's rows: its cache, position (in its step parameters) and scratch are {@code cache}'s. */
    public record Part(int row, int tokens, SequenceBuffers cache) {}

    public StepRows {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) throw new IllegalArgumentException("a step needs at least one sequence");
    }

    public int tokens() {
        Part last = parts.getLast();
        return last.row() + last.tokens();
    }

    /** Whether several sequences share the step (their products read each weight once for all of them). */
    public boolean shared() {
        return parts.size() > 1;
    }
}
