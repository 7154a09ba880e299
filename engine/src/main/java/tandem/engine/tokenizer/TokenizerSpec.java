package tandem.engine.tokenizer;

import java.util.List;

/**
 * Everything a tokenizer is built from, as GGUF stores it under {@code tokenizer.ggml.*}. Null
 * fields mean "not in the file" and get llama.cpp's defaults in {@link Tokenizers#build}.
 *
 * @param model          {@code tokenizer.ggml.model}: "llama" (SPM) or "gpt2" (byte-level BPE)
 * @param pre            {@code tokenizer.ggml.pre}, BPE only
 * @param tokens         token texts by id
 * @param scores         SPM piece scores, or null
 * @param tokenTypes     GGUF token types (1 normal … 6 byte), or null for all normal
 * @param merges         BPE merges "A B" in rank order, or null
 * @param bos            special ids, each null when absent
 * @param addBos         {@code tokenizer.ggml.add_bos_token}
 * @param addEos         {@code tokenizer.ggml.add_eos_token}
 * @param addSpacePrefix {@code tokenizer.ggml.add_space_prefix}
 * @param modelName      {@code general.name}, which llama.cpp consults for a few per-model token rules
 */
public record TokenizerSpec(String model, String pre, List<String> tokens, float[] scores, int[] tokenTypes,
                            List<String> merges, Integer bos, Integer eos, Integer eot, Integer eom,
                            Integer unknown, Integer padding, Boolean addBos, Boolean addEos,
                            Boolean addSpacePrefix, String modelName) {

    /** A SentencePiece vocabulary with llama.cpp's defaults for everything else. */
    public static TokenizerSpec spm(List<String> tokens, float[] scores, int[] tokenTypes) {
        return new TokenizerSpec("llama", null, tokens, scores, tokenTypes, null,
                null, null, null, null, null, null, null, null, null, null);
    }

    /** A byte-level BPE vocabulary with llama.cpp's defaults for everything else. */
    public static TokenizerSpec bpe(String pre, List<String> tokens, int[] tokenTypes, List<String> merges) {
        return new TokenizerSpec("gpt2", pre, tokens, null, tokenTypes, merges,
                null, null, null, null, null, null, null, null, null, null);
    }

    public TokenizerSpec withBosEos(Integer bosId, Integer eosId) {
        return new TokenizerSpec(model, pre, tokens, scores, tokenTypes, merges, bosId, eosId, eot, eom, unknown,
                padding, addBos, addEos, addSpacePrefix, modelName);
    }

    public TokenizerSpec withAddBos(Boolean add) {
        return new TokenizerSpec(model, pre, tokens, scores, tokenTypes, merges, bos, eos, eot, eom, unknown,
                padding, add, addEos, addSpacePrefix, modelName);
    }
}
