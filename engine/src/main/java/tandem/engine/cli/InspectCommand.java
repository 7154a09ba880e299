package tandem.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tandem.engine.gguf.GgufSummary;
import tandem.engine.gguf.LlamaFileType;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.api.TandemException;

/** {@code tandem inspect MODEL [--json]}: a model's facts and tensor table, without loading weights. */
public final class InspectCommand {
    private InspectCommand() {}

    static final String USAGE = "usage: tandem inspect MODEL [--json]";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String model = null;
        boolean json = false;
        for (String a : args) {
            if (a.equals("--json")) json = true;
            else if (a.startsWith("-") || model != null) throw new TandemException("unexpected argument '" + a + "'; " + USAGE);
            else model = a;
        }
        if (model == null) throw new TandemException("no model given; " + USAGE);
        GgufSummary s;
        List<String> features;
        try (tandem.engine.gguf.GgufFile file = tandem.engine.gguf.GgufFile.open(Path.of(model))) {
            s = GgufSummary.of(file);
            features = tandem.engine.model.ArchitectureFacts.describe(file);
        }
        out.print(json ? toJson(s) : toText(s, features));
        return 0;
    }

    static String toText(GgufSummary s) {
        return toText(s, List.of());
    }

    /** @param features the architecture's distinctive facts, one line each under the architecture */
    static String toText(GgufSummary s, List<String> features) {
        StringBuilder b = new StringBuilder();
        b.append(s.path()).append('\n');
        line(b, "format", "GGUF v" + s.version() + ", alignment " + s.alignment() + ", " + ByteSizes.human(s.fileBytes()));
        line(b, "name", s.name());
        line(b, "file type", fileTypeLabel(s.fileType()));
        line(b, "architecture", s.architecture());
        for (String f : features) line(b, "", f);
        line(b, "layers", s.layers());
        line(b, "dim", s.embeddingLength());
        line(b, "ffn", s.feedForwardLength());
        line(b, "heads", s.heads());
        line(b, "kv heads", s.kvHeads());
        line(b, "head dim", s.headDim());
        line(b, "context", s.contextLength());
        line(b, "vocab", s.vocabSize());
        line(b, "rope theta", number(s.ropeFreqBase()));
        line(b, "rms eps", number(s.rmsEpsilon()));
        line(b, "tokenizer", s.tokenizerModel().isEmpty() ? "-" : s.tokenizerModel()
                + (s.tokenizerPre().isEmpty() ? "" : " (pre: " + s.tokenizerPre() + ")") + ", " + s.tokenCount() + " tokens");
        line(b, "chat template", s.hasChatTemplate() ? "yes" : "no");
        line(b, "parameters", ByteSizes.count(s.parameterCount()) + " (" + s.parameterCount() + ")");

        List<TensorInfo> tensors = s.tensors();
        int nameWidth = Math.max(4, tensors.stream().mapToInt(t -> t.name().length()).max().orElse(4));
        int shapeWidth = Math.max(5, tensors.stream().mapToInt(t -> t.shape().length()).max().orElse(5));
        String row = "  %-" + nameWidth + "s  %-7s  %-" + shapeWidth + "s  %12s%n";
        b.append("tensors\n").append(String.format(Locale.ROOT, row, "name", "type", "shape", "bytes"));
        for (TensorInfo t : tensors) b.append(String.format(Locale.ROOT, row, t.name(), t.type(), t.shape(), t.byteSize()));
        StringBuilder mix = new StringBuilder();
        s.bytesByType().entrySet().stream().sorted(Map.Entry.comparingByValue((x, y) -> Long.compare(y, x))).forEach(e ->
                mix.append(String.format(Locale.ROOT, "%s%s %s (%.1f%%)", mix.isEmpty() ? "" : ", ", e.getKey(),
                        ByteSizes.human(e.getValue()), 100.0 * e.getValue() / Math.max(1, s.tensorBytes()))));
        b.append(String.format(Locale.ROOT, "totals  %d tensors, %s parameters, %s of tensor data%s%n", tensors.size(),
                ByteSizes.count(s.parameterCount()), ByteSizes.human(s.tensorBytes()), mix.isEmpty() ? "" : ": " + mix));
        return b.toString();
    }

    /** "Q4_K_M", "-" when absent, "id 99" for ids this version does not know. */
    static String fileTypeLabel(int id) {
        if (id < 0) return "-";
        return LlamaFileType.fromId(id).map(LlamaFileType::label).orElse("id " + id);
    }

    private static void line(StringBuilder b, String label, Object value) {
        String v = value instanceof Integer i && i == 0 ? "-" : String.valueOf(value);
        b.append(String.format(Locale.ROOT, "  %-14s %s%n", label, v.isEmpty() ? "-" : v));
    }

    private static String number(float f) {
        return Float.isNaN(f) ? "-" : (f == Math.rint(f) ? Long.toString((long) f) : Float.toString(f));
    }

    static String toJson(GgufSummary s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("path", s.path().toString());
        root.put("file_bytes", s.fileBytes());
        root.put("gguf_version", s.version());
        root.put("alignment", s.alignment());
        root.put("name", s.name());
        root.put("architecture", s.architecture());
        root.put("layers", s.layers());
        root.put("embedding_length", s.embeddingLength());
        root.put("feed_forward_length", s.feedForwardLength());
        root.put("heads", s.heads());
        root.put("kv_heads", s.kvHeads());
        root.put("head_dim", s.headDim());
        root.put("context_length", s.contextLength());
        root.put("vocab_size", s.vocabSize());
        root.put("rope_freq_base", Float.isNaN(s.ropeFreqBase()) ? null : s.ropeFreqBase());
        root.put("rms_epsilon", Float.isNaN(s.rmsEpsilon()) ? null : s.rmsEpsilon());
        root.put("file_type", s.fileType());
        root.put("file_type_name", fileTypeLabel(s.fileType()));
        root.put("tokenizer_model", s.tokenizerModel());
        root.put("tokenizer_pre", s.tokenizerPre());
        root.put("token_count", s.tokenCount());
        root.put("has_chat_template", s.hasChatTemplate());
        root.put("parameter_count", s.parameterCount());
        root.put("tensor_bytes", s.tensorBytes());
        Map<String, Long> mix = new LinkedHashMap<>();
        s.bytesByType().forEach((t, b) -> mix.put(t.name(), b));
        root.put("bytes_by_type", mix);
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (TensorInfo t : s.tensors()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("type", t.type().name());
            m.put("shape", t.dims());
            m.put("offset", t.offset());
            m.put("bytes", t.byteSize());
            tensors.add(m);
        }
        root.put("tensors", tensors);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
