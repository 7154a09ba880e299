package tandem.engine.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import tandem.engine.api.Tokenizer;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;

/** llama.cpp's tokenizer test vectors in shared/data/vocab (format: DESIGN.md section 6). */
final class VocabVectors {
    private VocabVectors() {}

    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final Map<Path, Tokenizer> LOADED = new ConcurrentHashMap<>();

    /** One test string and the ids llama.cpp produced for it. */
    record Case(Path vocab, int index, String input, int[] expected) {
        String vocabName() {
            return vocab.getFileName().toString().replace("ggml-vocab-", "").replace(".gguf", "");
        }

        @Override
        public String toString() {
            String shown = input.length() > 40 ? input.substring(0, 40) + "…" : input;
            return vocabName() + " #" + index + " \"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
        }
    }

    static Path vocab(String name) {
        return SharedData.data("vocab/ggml-vocab-" + name + ".gguf");
    }

    /** Every vocabulary that has both .inp and .out. */
    static List<Path> vocabsWithVectors() {
        try (Stream<Path> files = Files.list(SharedData.data("vocab"))) {
            return files.filter(p -> p.toString().endsWith(".gguf"))
                    .filter(p -> Files.exists(Path.of(p + ".inp")) && Files.exists(Path.of(p + ".out")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Case> cases(Path vocab) {
        try {
            String inp = Files.readString(Path.of(vocab + ".inp"), StandardCharsets.UTF_8);
            List<String> inputs = new ArrayList<>(Arrays.asList(inp.split(SEPARATOR, -1)));
            if (!inputs.isEmpty() && inputs.getLast().isEmpty()) inputs.removeLast();
            List<String> outputs = Files.readAllLines(Path.of(vocab + ".out"), StandardCharsets.UTF_8);
            if (outputs.size() != inputs.size()) {
                throw new IllegalStateException(vocab + ": " + inputs.size() + " inputs but " + outputs.size() + " outputs");
            }
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                String line = outputs.get(i).trim();
                int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
                cases.add(new Case(vocab, i, inputs.get(i), ids));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Case> allCases() {
        return vocabsWithVectors().stream().flatMap(v -> cases(v).stream());
    }

    /** Each vocabulary is loaded once per test JVM. */
    static Tokenizer tokenizer(Path vocab) {
        return LOADED.computeIfAbsent(vocab, p -> {
            try (GgufFile file = GgufFile.open(p)) {
                return Tokenizers.fromGguf(file);
            }
        });
    }
}
