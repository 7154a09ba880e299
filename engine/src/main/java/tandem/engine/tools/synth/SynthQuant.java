package tandem.engine.tools.synth;

import java.util.List;
import java.util.Locale;
import tandem.engine.gguf.LlamaFileType;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;

/**
 * The tensor types of a synthetic file, as llama.cpp's quantizer would choose them: a "pure" file of
 * one type (every matrix in it, output.weight Q6_K), or one of llama-quantize's medium k-quant mixes
 * (Q4_K_M, Q5_K_M: the base k-quant everywhere except attn_v and ffn_down, which are Q6_K on the
 * layers {@link #usesMoreBits} picks, about half of them, and output.weight, which is Q6_K).
 *
 * @param name   what {@code tandem synth --type} accepts, e.g. "q4_k_m"
 * @param base   the type of most matrices
 * @param medium whether attn_v and ffn_down follow the _M recipe
 * @param experts the type of a mixture's expert tensors (the base type, but for llama-quantize's MXFP4_MOE)
 */
public record SynthQuant(String name, GgmlType base, boolean medium, GgmlType experts) {
    public SynthQuant(String name, GgmlType base, boolean medium) {
        this(name, base, medium, base);
    }

    /** The mixes besides the pure types of {@link LlamaSynth#TYPES}; mxfp4_moe: experts MXFP4, other matrices Q8_0 (gpt-oss). */
    public static final List<SynthQuant> MIXES = List.of(
            new SynthQuant("q4_k_m", GgmlType.Q4_K, true), new SynthQuant("q5_k_m", GgmlType.Q5_K, true),
            new SynthQuant("mxfp4_moe", GgmlType.Q8_0, false, GgmlType.MXFP4));

    /** Every matrix in {@code type}. */
    public static SynthQuant pure(GgmlType type) {
        return new SynthQuant(type.name().toLowerCase(Locale.ROOT), type, false);
    }

    /** A mix name ("q4_k_m") or one of the pure types; anything else is refused naming what synth writes. */
    public static SynthQuant parse(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (SynthQuant m : MIXES) {
            if (m.name.equals(lower)) return m;
        }
        for (GgmlType t : LlamaSynth.TYPES) {
            if (t.name().equalsIgnoreCase(lower)) return pure(t);
        }
        throw new TandemException("synth writes " + choices() + ", not " + lower);
    }

    /** "f16, q8_0, …, q4_k_m or q5_k_m". */
    public static String choices() {
        List<String> names = new java.util.ArrayList<>(LlamaSynth.TYPES.stream().map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
        MIXES.forEach(m -> names.add(m.name));
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
    }

    /**
     * llama-quantize's use_more_bits: the first and last eighth of the layers and every third layer
     * between them (for 32 layers: 0-3, 6, 9, …, 27 and 28-31).
     */
    static boolean usesMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /**
     * attn_v of layer {@code layer}: Q6_K where the mix uses more bits; on a 70B-class model (80 layers
     * whose KV heads are shared by several query heads, so attn_v is 8x smaller than attn_q)
     * llama-quantize raises the remaining Q4_K ones to Q5_K.
     */
    GgmlType attnV(int layer, SynthPreset p) {
        if (!medium) return base;
        if (usesMoreBits(layer, p.layers())) return GgmlType.Q6_K;
        return base == GgmlType.Q4_K && p.layers() == 80 && p.kvHeads() < p.heads() ? GgmlType.Q5_K : base;
    }

    /** ffn_down of layer {@code layer}: Q6_K where the mix uses more bits. */
    GgmlType ffnDown(int layer, int layers) {
        return medium && usesMoreBits(layer, layers) ? GgmlType.Q6_K : base;
    }

    /** llama.cpp's {@code general.file_type} (a pure k-quant file: the _S recipe, closest to pure). */
    LlamaFileType fileType() {
        if (medium) return base == GgmlType.Q4_K ? LlamaFileType.MOSTLY_Q4_K_M : LlamaFileType.MOSTLY_Q5_K_M;
        if (experts == GgmlType.MXFP4) return LlamaFileType.MOSTLY_MXFP4_MOE;
        return switch (base) {
            case F16 -> LlamaFileType.MOSTLY_F16;
            case Q4_0 -> LlamaFileType.MOSTLY_Q4_0;
            case Q8_0 -> LlamaFileType.MOSTLY_Q8_0;
            case Q4_K -> LlamaFileType.MOSTLY_Q4_K_S;
            case Q6_K -> LlamaFileType.MOSTLY_Q6_K;
            case IQ4_NL -> LlamaFileType.MOSTLY_IQ4_NL;
            case IQ4_XS -> LlamaFileType.MOSTLY_IQ4_XS;
            default -> throw new TandemException("synth cannot write " + base);
        };
    }

    /** The name as llama.cpp's tools print it: "Q4_K_M", "IQ4_XS". */
    public String label() { return name.toUpperCase(Locale.ROOT); }
}
