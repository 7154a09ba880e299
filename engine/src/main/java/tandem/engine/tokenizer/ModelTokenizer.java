package tandem.engine.tokenizer;

import java.nio.charset.StandardCharsets;

import tandem.engine.api.Tokenizer;

/**
 * A model's tokenizer: special-token splitting, BOS/EOS, and one of the two subword algorithms
 * (SPM or byte-level BPE) for the plain text between special tokens; decoding through per-token
 * byte pieces. Immutable after construction, so one instance serves any number of threads.
 */
final class ModelTokenizer implements Tokenizer {
    enum Kind { SPM, BPE }

    private final Kind kind;
    private final Vocabulary vocab;
    private final FragmentEncoder encoder;
    private final SpecialTokenSplitter splitter;
    private final SpecialTokens specials;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;
    private final byte[][] pieceBytes;

    ModelTokenizer(Kind kind, Vocabulary vocab, FragmentEncoder encoder, SpecialTokens specials,
                   boolean addBos, boolean addEos, boolean addSpacePrefix) {
        this.kind = kind;
        this.vocab = vocab;
        this.encoder = encoder;
        this.specials = specials;
        this.addBos = addBos;
        this.addEos = addEos;
        this.addSpacePrefix = addSpacePrefix;
        this.splitter = new SpecialTokenSplitter(vocab);
        this.pieceBytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) pieceBytes[id] = renderPiece(id);
    }

    /**
     * Like llama.cpp with add-special = {@code addBos}: BOS first when asked for and the vocabulary
     * has one, EOS last when the model's metadata asks for it as well.
     */
    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        IdList out = new IdList();
        if (addBos && specials.bos() >= 0) out.add(specials.bos());
        boolean startsSequence = true;
        for (SpecialTokenSplitter.Fragment f : splitter.split(text, parseSpecial)) {
            if (f.isText()) {
                encoder.encode(text.substring(f.start(), f.end()), startsSequence, out);
                startsSequence = false;
            } else {
                out.add(f.token());
                startsSequence = true;
            }
        }
        if (addBos && addEos && specials.eos() >= 0) out.add(specials.eos());
        return out.toArray();
    }

    /**
     * Decodes a sequence that starts a text: the leading space SPM adds when encoding is removed
     * again (from the first token, or the first after BOS), so decode(encode(s)) gives s back.
     */
    @Override
    public String decode(int[] ids) {
        StreamingDecoder decoder = new PieceStream(this, true);
        StringBuilder text = new StringBuilder();
        for (int id : ids) text.append(decoder.accept(id));
        return text.append(decoder.flush()).toString();
    }

    /**
     * A decoder that continues text already shown (generated tokens after a prompt): pieces are
     * printed as they are, except that a stream beginning with BOS starts a new text, so the SPM
     * space prefix of the token after BOS is removed.
     */
    @Override
    public StreamingDecoder streamingDecoder() {
        return new PieceStream(this, false);
    }

    @Override
    public int vocabSize() { return vocab.size(); }

    @Override
    public int bosId() { return specials.bos(); }

    @Override
    public int eosId() { return specials.eos(); }

    @Override
    public boolean addBosByDefault() { return addBos; }

    @Override
    public boolean isEndOfGeneration(int id) { return specials.isEndOfGeneration(id); }

    @Override
    public String piece(int id) {
        checkId(id);
        return vocab.text(id);
    }

    /** The bytes a token prints as (control and unknown tokens print nothing). */
    byte[] pieceBytes(int id) {
        checkId(id);
        return pieceBytes[id];
    }

    private void checkId(int id) {
        if (!vocab.contains(id)) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary (0.." + (vocab.size() - 1) + ")");
        }
    }

    private byte[] renderPiece(int id) {
        String text = vocab.text(id);
        if (vocab.hasAttr(id, TokenAttr.UNKNOWN | TokenAttr.CONTROL)) return new byte[0];
        if (vocab.hasAttr(id, TokenAttr.USER_DEFINED)) return text.getBytes(StandardCharsets.UTF_8);
        if (vocab.hasAttr(id, TokenAttr.BYTE) && text.length() == 6 && text.startsWith("<0x")) {
            return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
        }
        if (!vocab.hasAttr(id, TokenAttr.NORMAL)) return new byte[0];
        if (kind == Kind.SPM) return text.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
        return byteLevelDecode(text);
    }

    /** Byte-level BPE pieces spell bytes as characters; a character outside the map is kept as UTF-8. */
    private static byte[] byteLevelDecode(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int b = ByteLevel.byteOf(text.charAt(i));
            if (b < 0) return mixedDecode(text);
            bytes[i] = (byte) b;
        }
        return bytes;
    }

    /** The rare piece with characters outside the byte map (added tokens): those stay UTF-8. */
    private static byte[] mixedDecode(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        text.codePoints().forEach(c -> {
            int b = ByteLevel.byteOf(c);
            if (b >= 0) out.write(b);
            else out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
        });
        return out.toByteArray();
    }

    /** Special-token ids; {@code -1} where the vocabulary has none. */
    record SpecialTokens(int bos, int eos, int eot, int eom, int unknown, int padding, boolean[] endOfGeneration) {
        boolean isEndOfGeneration(int id) {
            return id >= 0 && id < endOfGeneration.length && endOfGeneration[id];
        }
    }

    /** Streams pieces through a UTF-8 assembler, applying the SPM leading-space rule. */
    private static final class PieceStream implements StreamingDecoder {
        private final ModelTokenizer tokenizer;
        private final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();
        private boolean stripNextSpace;
        private boolean first = true;

        PieceStream(ModelTokenizer tokenizer, boolean startsText) {
            this.tokenizer = tokenizer;
            this.stripNextSpace = startsText && tokenizer.addSpacePrefix;
        }

        @Override
        public String accept(int id) {
            byte[] piece = tokenizer.pieceBytes(id);
            boolean wasFirst = first;
            first = false;
            if (wasFirst && id == tokenizer.specials.bos()) {
                stripNextSpace = tokenizer.addSpacePrefix;
                return utf8.accept(piece);
            }
            if (stripNextSpace) {
                stripNextSpace = false;
                if (piece.length > 0 && piece[0] == ' ') piece = java.util.Arrays.copyOfRange(piece, 1, piece.length);
            }
            return utf8.accept(piece);
        }

        @Override
        public String flush() { return utf8.flush(); }
    }
}
