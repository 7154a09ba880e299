package tandem.engine.parallel;

import tandem.engine.model.TensorLayout;

/**
 * How tensor parallelism cuts one kind of weight. Q/K/V and FFN gate/up are cut by output
 * features (whole ggml rows) so each device computes whole heads and whole FFN columns; the
 * attention output and FFN down projections are cut by input features (a slice of every row) so
 * each device multiplies only the features it computed and produces a partial sum of the whole
 * output, which the all-reduce adds up. The output projection is cut by vocabulary rows and the
 * logits gathered.
 */
public enum TensorRole {
    QUERY(Dimension.QUERY_HEADS),
    KEY_VALUE(Dimension.KV_GROUPS),
    ATTENTION_OUTPUT(Dimension.QUERY_HEADS),
    FFN_IN(Dimension.FFN),
    FFN_OUT(Dimension.FFN),
    /** Experts' gate/up: the same rows of every expert (their biases [ffn, expert]: the same columns of every row). */
    EXPERT_IN(Dimension.FFN),
    /** gpt-oss's sink logit per query head: cut with the query heads, one element each. */
    HEAD_SCALARS(Dimension.QUERY_HEADS),
    /**
     * The bias of a product cut by input features (attn_output, ffn_down_exps): the partial sums
     * must add it once, so under tensor split the first device alone holds it.
     */
    OUTPUT_BIAS(Dimension.NONE),
    VOCABULARY(Dimension.VOCABULARY),
    /** Norm weights and anything the planner does not know: every device holds a copy. */
    REPLICATED(Dimension.NONE);

    /** The model dimension a role's tensor is cut along ({@code KV_GROUPS}: KV heads). */
    public enum Dimension { QUERY_HEADS, KV_GROUPS, FFN, VOCABULARY, NONE }

    private final Dimension dimension;

    TensorRole(Dimension dimension) { this.dimension = dimension; }

    public Dimension dimension() { return dimension; }

    /** The role of a GGUF tensor, from its name. */
    public static TensorRole of(String tensorName) {
        String kind = tensorName.replaceFirst("^blk\\.\\d+\\.", "").replaceFirst("\\.(weight|bias)$", "");
        if (tensorName.endsWith(".bias") && (kind.equals("attn_output") || kind.equals("ffn_down_exps"))) return OUTPUT_BIAS;
        return switch (kind) {
            case "attn_q" -> QUERY;
            case "attn_k", "attn_v" -> KEY_VALUE;
            case "attn_output" -> ATTENTION_OUTPUT;
            case "ffn_gate", "ffn_up" -> FFN_IN;
            case "ffn_down", "ffn_down_exps" -> FFN_OUT;
            case "ffn_gate_exps", "ffn_up_exps" -> EXPERT_IN;
            case "attn_sinks" -> HEAD_SCALARS;
            // every device looks tokens up in a whole copy of the embedding: no all-reduce for it
            case "output" -> VOCABULARY;
            default -> REPLICATED;
        };
    }

    /** Elements of the cut axis per unit of the dimension (e.g. rows of attn_q per query head). */
    public long elementsPerUnit(ModelShape model) {
        return switch (this) {
            case QUERY, ATTENTION_OUTPUT, KEY_VALUE -> model.headDim();
            default -> 1;
        };
    }

    /**
     * True when the role cuts each row (input features), false when it takes whole rows.
     * A 1-row tensor (a bias) is always cut within its one row.
     */
    public boolean cutsWithinRows(TensorLayout tensor) {
        return this == ATTENTION_OUTPUT || this == FFN_OUT || tensor.rows() == 1
                || (this == EXPERT_IN && tensor.matrices() == 1);
    }
}
