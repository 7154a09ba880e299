package tandem.engine.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tandem.engine.runtime.TandemException;

/**
 * Splits text into words before byte-level BPE, with the regular expressions llama.cpp uses for
 * each {@code tokenizer.ggml.pre} name. Several expressions apply in turn: each one splits every
 * piece the previous ones produced into its matches and the gaps between them (gaps are kept as
 * words too). Patterns are compiled with UNICODE_CHARACTER_CLASS so that {@code \s} is Unicode
 * white space, as in the reference; {@code \p{L}}, {@code \p{N}}, {@code \p{P}} are Unicode
 * categories either way. Each piece is matched on its own (opaque region bounds), so a lookahead
 * such as {@code (?!\S)} sees the end of the piece as the end of the text.
 */
public final class PreTokenizer {
    /** GPT-2's word pattern; llama.cpp leaves out HF's final {@code |\s+}, the gap rule covers it. */
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    /** Contractions spelled case-insensitively per letter, as llama.cpp rewrote HF's (?i:...). */
    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String CJK = "[一-龥ࠀ-一가-퟿]+";
    /** Letters as DeepSeek LLM lists them (Latin, Greek, Cyrillic, Armenian, Georgian, Cherokee, …). */
    private static final String DEEPSEEK_LETTERS = "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+";
    /** llama.cpp's rewrite of HF's upper/lower-case letter classes: "a letter that is not a-z" etc. */
    private static final String UPPER = "((?=[\\p{L}])([^a-z]))";
    private static final String LOWER = "((?=[\\p{L}])([^A-Z]))";
    private static final String GPT4O = "[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "*" + LOWER + "+" + CONTRACTIONS + "?"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "+" + LOWER + "*" + CONTRACTIONS + "?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String TEKKEN = "[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "*" + LOWER + "+"
            + "|[^\\r\\n\\p{L}\\p{N}]?" + UPPER + "+" + LOWER + "*"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private record Family(List<String> regexes, boolean ignoreMerges, boolean addBos) {}

    private static final Family LLAMA3_FAMILY = new Family(List.of(LLAMA3), true, true);
    private static final Family LLAMA3_REGEX_ONLY = new Family(List.of(LLAMA3), false, false);
    private static final Family QWEN2_FAMILY = new Family(List.of(QWEN2), false, false);
    private static final Family GPT2_FAMILY = new Family(List.of(GPT2), false, false);
    private static final Family STARCODER_FAMILY = new Family(List.of("\\p{N}", GPT2), false, false);
    private static final Family DEFAULT_FAMILY = new Family(
            List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"), false, false);

    /** Every pre-tokenizer name llama.cpp maps to one of the families above (names from its loader). */
    private static final Map<String, Family> BY_NAME = new LinkedHashMap<>();

    static {
        for (String n : List.of("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2")) {
            BY_NAME.put(n, LLAMA3_FAMILY);
        }
        BY_NAME.put("dbrx", LLAMA3_REGEX_ONLY);
        BY_NAME.put("smaug-bpe", LLAMA3_REGEX_ONLY);
        for (String n : List.of("qwen2", "deepseek-r1-qwen", "megrez", "stablelm2", "hunyuan", "solar-open")) {
            BY_NAME.put(n, QWEN2_FAMILY);
        }
        for (String n : List.of("gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
                "a.x-4.0", "mellum", "modern-bert", "exaone4", "mpt", "olmo", "jais", "trillion", "granite-docling")) {
            BY_NAME.put(n, GPT2_FAMILY);
        }
        for (String n : List.of("starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b", "mellum2")) {
            BY_NAME.put(n, STARCODER_FAMILY);
        }
        BY_NAME.put("falcon", new Family(List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), false, false));
        BY_NAME.put("deepseek-llm", new Family(List.of("[\r\n]", DEEPSEEK_LETTERS,
                "\\s?[!-/:-~！-／：-～‘-‟　-。]+", "\\s+\\z", CJK, "\\p{N}+"), false, false));
        BY_NAME.put("deepseek-coder", new Family(List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"), false, false));
        BY_NAME.put("deepseek-v3", new Family(List.of("\\p{N}{1,3}", "[一-龥぀-ゟ゠-ヿ]+",
                "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
                        + "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"), false, false));
        for (String n : List.of("gpt-4o", "llama4", "kanana2")) {
            BY_NAME.put(n, new Family(List.of(GPT4O), false, false));
        }
        BY_NAME.put("tekken", new Family(List.of(TEKKEN), true, true));
        BY_NAME.put("default", DEFAULT_FAMILY);
    }

    private final String name;
    private final List<Pattern> patterns;
    private final Family family;

    private PreTokenizer(String name, Family family) {
        this.name = name;
        this.family = family;
        List<Pattern> compiled = new ArrayList<>();
        for (String regex : family.regexes()) compiled.add(Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS));
        this.patterns = List.copyOf(compiled);
    }

    /** The pre-tokenizer llama.cpp uses for this {@code tokenizer.ggml.pre} value. */
    public static PreTokenizer forName(String name) {
        Family family = BY_NAME.get(name);
        if (family == null) {
            throw new TandemException("tokenizer: unknown pre-tokenizer '" + name + "' (tokenizer.ggml.pre); Tandem knows "
                    + String.join(", ", BY_NAME.keySet()) + " - tokenizing with a guessed one would silently give wrong ids");
        }
        return new PreTokenizer(name, family);
    }

    public static List<String> knownNames() { return List.copyOf(BY_NAME.keySet()); }

    public String name() { return name; }

    /** Whether a word that is itself a vocabulary piece skips the merges (Llama 3 style). */
    public boolean ignoresMerges() { return family.ignoreMerges(); }

    /** Whether models with this pre-tokenizer add BOS unless the metadata says otherwise. */
    boolean addsBosByDefault() { return family.addBos(); }

    /** Receives one word as the range [start, end) of the text. */
    interface WordSink {
        void word(int start, int end);
    }

    /** Splits {@code text} into words, in order, covering it completely. */
    void split(String text, WordSink sink) {
        int[] bounds = {0, text.length()};
        int count = text.isEmpty() ? 0 : 1;
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(text);
            int[] next = new int[Math.max(4, count * 4)];
            int nextCount = 0;
            for (int w = 0; w < count; w++) {
                int start = bounds[2 * w], end = bounds[2 * w + 1];
                matcher.region(start, end);
                int pos = start;
                while (matcher.find()) {
                    if (matcher.end() == matcher.start()) continue; // no expression here can match empty; be safe
                    if (matcher.start() > pos) next = add(next, nextCount++, pos, matcher.start());
                    next = add(next, nextCount++, matcher.start(), matcher.end());
                    pos = matcher.end();
                }
                if (pos < end) next = add(next, nextCount++, pos, end);
            }
            bounds = next;
            count = nextCount;
        }
        for (int w = 0; w < count; w++) sink.word(bounds[2 * w], bounds[2 * w + 1]);
    }

    private static int[] add(int[] bounds, int index, int start, int end) {
        if (2 * index + 1 >= bounds.length) bounds = java.util.Arrays.copyOf(bounds, bounds.length * 2);
        bounds[2 * index] = start;
        bounds[2 * index + 1] = end;
        return bounds;
    }
}
