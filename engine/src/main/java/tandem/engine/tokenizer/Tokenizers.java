package tandem.engine.tokenizer;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufMetadata;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.GgufValueType;

/**
 * Builds a {@link Tokenizer} from a GGUF file's {@code tokenizer.ggml.*} metadata, following
 * llama.cpp's loader: its defaults, its text-based detection of end-of-turn and FIM tokens, and its
 * per-model token rules, so that ids match llama.cpp's exactly.
 *
 * <p>Deviations, on purpose: a BPE vocabulary without {@code bos_token_id}/{@code eos_token_id}
 * has none (llama.cpp falls back to id 11); a missing pre-tokenizer uses "default" with a warning
 * on stderr, as llama.cpp does; merges that name pieces missing from the vocabulary are ignored,
 * with a warning.
 */
public final class Tokenizers {
    private Tokenizers() {}

    private static final String P = "tokenizer.ggml.";

    /** End-of-turn texts llama.cpp recognises when the file names no EOT id (its order). */
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>");
    /** Texts that end generation whatever their role (llama.cpp's list). */
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
            "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]",
            "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<｜end▁of▁sentence｜>", "[e~[");
    /** Fill-in-the-middle markers; llama.cpp treats them as control tokens, and pad/repo/file-separator as end of generation. */
    private static final Set<String> FIM_TEXTS = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>",
            "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>", "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>", "<|fim_middle|>", "<fim-middle>",
            "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>");
    private static final Set<String> FIM_EOG_TEXTS = Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
            "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>");

    /** gpt-oss structure markers; they must print, so llama.cpp makes them user-defined. */
    private static final Set<String> HARMONY_STRUCTURE_TEXTS = Set.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    /** Reads the tokenizer of a GGUF model (or vocab-only) file; warnings go to stderr. */
    public static Tokenizer fromGguf(GgufFile file) {
        return fromGguf(file, System.err);
    }

    /** Reads the tokenizer of a GGUF model (or vocab-only) file; warnings go to {@code warnings}. */
    public static Tokenizer fromGguf(GgufFile file, PrintStream warnings) {
        GgufMetadata m = file.metadata();
        String source = file.path().getFileName().toString();
        if (!m.contains(P + "model")) {
            throw new TandemException(source + ": no tokenizer in this file (tokenizer.ggml.model is missing)");
        }
        String model = m.getString(P + "model");
        TokenizerSpec spec = new TokenizerSpec(model, m.optString(P + "pre").orElse(null),
                m.getStringArray(P + "tokens"), scores(m), m.contains(P + "token_type") ? m.getIntArray(P + "token_type") : null,
                "gpt2".equals(model) && m.contains(P + "merges") ? m.getStringArray(P + "merges") : null,
                optId(m, "bos_token_id"), optId(m, "eos_token_id"), optId(m, "eot_token_id"), optId(m, "eom_token_id"),
                optId(m, "unknown_token_id"), optId(m, "padding_token_id"),
                optBool(m, "add_bos_token"), optBool(m, "add_eos_token"), optBool(m, "add_space_prefix"),
                m.optString("general.name").orElse(""));
        try {
            return build(spec, warnings);
        } catch (TandemException e) {
            throw new TandemException(source + ": " + e.getMessage(), e);
        }
    }

    /** Builds a tokenizer; warnings (degraded but usable setups) go to {@code warnings}. */
    public static Tokenizer build(TokenizerSpec spec, PrintStream warnings) {
        ModelTokenizer.Kind kind = switch (spec.model()) {
            case "llama" -> ModelTokenizer.Kind.SPM;
            case "gpt2" -> ModelTokenizer.Kind.BPE;
            default -> throw new TandemException("tokenizer model '" + spec.model() + "' (tokenizer.ggml.model) is not supported;"
                    + " Tandem reads 'llama' (SentencePiece) and 'gpt2' (byte-level BPE)");
        };
        int n = spec.tokens().size();
        int[] attrs = new int[n];
        for (int i = 0; i < n; i++) {
            attrs[i] = spec.tokenTypes() == null ? TokenAttr.NORMAL : TokenAttr.fromGgufType(spec.tokenTypes()[i]);
        }
        Vocabulary vocab = new Vocabulary(spec.tokens().toArray(String[]::new), spec.scores(), attrs);
        boolean spm = kind == ModelTokenizer.Kind.SPM;

        PreTokenizer pre = null;
        if (!spm) {
            String name = spec.pre();
            if (name == null || name.isEmpty()) {
                warnings.println("tokenizer: warning: no pre-tokenizer named (tokenizer.ggml.pre); using 'default' as llama.cpp does."
                        + " Ids may differ from the model's training; re-convert the model with a current llama.cpp");
                name = "default";
            }
            pre = PreTokenizer.forName(name);
        }

        int bos = specialId(spec.bos(), spm ? 1 : -1, vocab, "bos", warnings);
        int eos = specialId(spec.eos(), spm ? 2 : -1, vocab, "eos", warnings);
        int unknown = specialId(spec.unknown(), spm ? 0 : -1, vocab, "unknown", warnings);
        int padding = specialId(spec.padding(), -1, vocab, "padding", warnings);
        int eot = specialId(spec.eot(), -1, vocab, "eot", warnings);
        int eom = specialId(spec.eom(), -1, vocab, "eom", warnings);
        if (eot < 0) eot = firstWithText(vocab, EOT_TEXTS);
        if (eom < 0) eom = vocab.find("<|eom_id|>");
        for (int id : new int[] {eot, eom}) if (id >= 0) vocab.setAttr(id, TokenAttr.CONTROL, true);

        boolean[] endOfGeneration = new boolean[n];
        for (int id = 0; id < n; id++) {
            String text = vocab.text(id);
            if (FIM_TEXTS.contains(text) || FIM_EOG_TEXTS.contains(text) || EOG_TEXTS.contains(text)) {
                vocab.setAttr(id, TokenAttr.CONTROL, true);
            }
            if (FIM_EOG_TEXTS.contains(text) || EOG_TEXTS.contains(text)) endOfGeneration[id] = true;
            if (HARMONY_STRUCTURE_TEXTS.contains(text)) {
                vocab.setAttr(id, ~0, false);
                vocab.setAttr(id, TokenAttr.USER_DEFINED, true);
            }
        }
        for (int id : new int[] {eos, eot, eom}) if (id >= 0) endOfGeneration[id] = true;
        harmonyEndIsNotEndOfGeneration(vocab, endOfGeneration);
        if (spec.modelName() != null && (spec.modelName().toLowerCase().contains("phi-3")
                || spec.modelName().toLowerCase().contains("phi3"))) {
            phi3StripRules(vocab);
        }

        boolean addSpacePrefix = spec.addSpacePrefix() != null ? spec.addSpacePrefix() : spm;
        boolean addBos = spec.addBos() != null ? spec.addBos() : spm || pre.addsBosByDefault();
        boolean addEos = spec.addEos() != null && spec.addEos();
        if (addBos && bos < 0) {
            throw new TandemException("tokenizer.ggml.add_bos_token is true but the file names no bos_token_id; the model file is broken");
        }
        if (addEos && eos < 0) {
            throw new TandemException("tokenizer.ggml.add_eos_token is true but the file names no eos_token_id; the model file is broken");
        }

        FragmentEncoder encoder;
        if (spm) {
            encoder = new SpmEncoder(vocab, addSpacePrefix, unknown);
        } else {
            if (spec.merges() == null) {
                throw new TandemException("byte-level BPE vocabulary without merges (tokenizer.ggml.merges); the model file is broken");
            }
            MergeTable merges = new MergeTable(spec.merges(), vocab);
            if (merges.unusable() > 0) {
                warnings.println("tokenizer: warning: " + merges.unusable() + " of " + spec.merges().size()
                        + " merges name pieces that are not in the vocabulary; they are ignored");
            }
            encoder = new BpeEncoder(vocab, pre, merges);
        }
        var specials = new ModelTokenizer.SpecialTokens(bos, eos, eot, eom, unknown, padding, endOfGeneration);
        return new ModelTokenizer(kind, vocab, encoder, specials, addBos, addEos, addSpacePrefix);
    }

    /**
     * o200k_harmony (gpt-oss): "<|end|>" ends a message, not the generation, when "<|return|>" and
     * "<|call|>" (or solar-open's "<|calls|>" and "<|flush|>") exist.
     */
    private static void harmonyEndIsNotEndOfGeneration(Vocabulary vocab, boolean[] endOfGeneration) {
        int end = vocab.find("<|end|>");
        boolean harmony = vocab.find("<|return|>") >= 0 && vocab.find("<|call|>") >= 0;
        boolean solar = vocab.find("<|calls|>") >= 0 && vocab.find("<|flush|>") >= 0;
        if (end >= 0 && (harmony || solar)) {
            endOfGeneration[end] = false;
            vocab.setAttr(end, ~0, false);
            vocab.setAttr(end, TokenAttr.USER_DEFINED, true);
        }
    }

    /** Phi-3: white space after its special tokens belongs to them (llama.cpp's rule by model name). */
    private static void phi3StripRules(Vocabulary vocab) {
        int special = TokenAttr.CONTROL | TokenAttr.USER_DEFINED | TokenAttr.UNKNOWN;
        for (int id = 0; id < vocab.size(); id++) {
            if (vocab.hasAttr(id, special)) vocab.setAttr(id, TokenAttr.RSTRIP, true);
        }
        int eosText = vocab.find("</s>");
        if (eosText >= 0) vocab.setAttr(eosText, TokenAttr.RSTRIP, true);
        for (String text : List.of("<unk>", "<s>", "<|endoftext|>")) {
            int id = vocab.find(text);
            if (id >= 0) vocab.setAttr(id, TokenAttr.RSTRIP, false);
        }
    }

    private static int firstWithText(Vocabulary vocab, List<String> texts) {
        for (String text : texts) {
            int id = vocab.find(text);
            if (id >= 0) return id;
        }
        return -1;
    }

    private static int specialId(Integer fromFile, int dflt, Vocabulary vocab, String what, PrintStream warnings) {
        if (fromFile == null) return vocab.contains(dflt) ? dflt : -1;
        if (!vocab.contains(fromFile)) {
            warnings.println("tokenizer: warning: " + what + " token id " + fromFile + " is outside the vocabulary; ignored");
            return vocab.contains(dflt) ? dflt : -1;
        }
        return fromFile;
    }

    private static float[] scores(GgufMetadata m) {
        String key = P + "scores";
        if (!m.contains(key)) return null;
        if (m.value(key).elementType() == GgufValueType.FLOAT32 || m.value(key).elementType() == GgufValueType.FLOAT64) {
            return m.getFloatArray(key);
        }
        int[] ints = m.getIntArray(key);
        float[] f = new float[ints.length];
        for (int i = 0; i < ints.length; i++) f[i] = ints[i];
        return f;
    }

    /**
     * A special token id, or null when the file names none. llama.cpp's converter writes "none" as
     * -1 in the key's own width, so a UINT32 0xFFFFFFFF (or a -1 of a signed or 64-bit type) means
     * absent, not an id past the vocabulary worth a warning.
     */
    private static Integer optId(GgufMetadata m, String name) {
        GgufValue v = m.find(P + name).orElse(null);
        if (v == null || isNoTokenSentinel(v)) return null;
        long id = m.optLong(P + name).getAsLong();
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, id));
    }

    private static boolean isNoTokenSentinel(GgufValue v) {
        if (!v.type().isInteger()) return false;
        long raw = ((Number) v.value()).longValue();
        return raw == -1 || (v.type() == GgufValueType.UINT32 && raw == 0xFFFF_FFFFL);
    }

    private static Boolean optBool(GgufMetadata m, String name) {
        return m.contains(P + name) ? m.getBool(P + name, false) : null;
    }
}
