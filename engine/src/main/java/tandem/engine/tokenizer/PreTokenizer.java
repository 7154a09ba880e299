package tandem.engine.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tandem.engine.api.TandemException;

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
    /**
     * Letters as DeepSeek LLM lists them (the cased letters: Latin, Greek, Cyrillic, Armenian, …).
     * Written as escapes: several endpoints (U+1F7D, U+1FBE, U+2126, U+212A, …) are characters that
     * Unicode normalisation would silently replace, corrupting the ranges.
     */
    private static final String DEEPSEEK_LETTERS = "\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+";
    /**
     * llama.cpp's rewrite of HF's upper/lower-case letter classes, "a letter that is not a-z" (it
     * writes {@code ((?=[\p{L}])([^a-z]))}); as a class intersection the repetition is a plain loop,
     * where a repeated group would recurse once per character in Java and overflow on long words.
     */
    private static final String UPPER = "[\\p{L}&&[^a-z]]";
    private static final String LOWER = "[\\p{L}&&[^A-Z]]";
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
