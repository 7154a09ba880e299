package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.api.Tokenizer;

/**
 * One of llama.cpp's reference evaluations in shared/data/models/reference: a model file, a prompt,
 * the token ids llama.cpp used and its last-position logits.
 */
public record ReferenceCase(String name, Path model, String prompt, int[] tokens, float[] lastLogits) {
    /**
     * Least cosine similarity to llama.cpp's last logits a correct engine reaches (an exact float64
     * pass reaches 0.9997; a layout or math error lands far below).
     */
    public static final double MIN_COSINE = 0.9995;

    @Override
    public String toString() { return name; }

    /** Every llama-TYPE.pN.json next to its llama-TYPE.gguf, sorted by name. */
    public static List<ReferenceCase> all() {
        Path dir = SharedData.data("models/reference");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("llama-.*\\.p\\d+\\.json"))
                    .sorted()
                    .map(ReferenceCase::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every ARCH-TYPE.pN.json of shared/data/models/arch whose name starts with {@code prefix} (e.g.
     * "gemma3", "gpt-oss-f32."), sorted by name.
     */
    public static List<ReferenceCase> arch(String prefix) {
        Path dir = SharedData.data("models/arch");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                            && p.getFileName().toString().matches(".*\\.p\\d+\\.json"))
                    .sorted()
                    .map(ReferenceCase::read)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bar of models/arch (its PROVENANCE.md): 0.9999 for f32/f16 files, 0.999 for quantized
     * ones (llama.cpp rounds activations to 8 bits before quantized products; we keep float32).
     */
    public double archMinCosine() {
        return name.contains("-f32.") || name.contains("-f16.") ? 0.9999 : 0.999;
    }

    public static ReferenceCase read(Path json) {
        try {
            JsonNode root = new ObjectMapper().readTree(json.toFile());
            String file = json.getFileName().toString();
            Path model = json.resolveSibling(root.get("model").asText());
            int[] tokens = new int[root.get("tokens").size()];
            for (int i = 0; i < tokens.length; i++) tokens[i] = root.get("tokens").get(i).asInt();
            float[] logits = new float[root.get("last_logits").size()];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) root.get("last_logits").get(i).asDouble();
            return new ReferenceCase(file.substring(0, file.length() - ".json".length()), model,
                    root.get("prompt").asText(), tokens, logits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks a loaded model against this case: the prompt's tokens (BOS as the metadata says) are
     * llama.cpp's exactly, and a fresh session's last logits reach {@link #MIN_COSINE}.
     *
     * @param backend names the backend in the printed similarity
     */
    public void assertMatches(LoadedModel loaded, String backend) {
        assertMatches(loaded, backend, MIN_COSINE);
    }

    /** {@link #assertMatches(LoadedModel, String)} with another bar. */
    public void assertMatches(LoadedModel loaded, String backend, double minCosine) {
        try (Session session = loaded.newSession()) {
            Tokenizer tokenizer = loaded.tokenizer();
            int[] encoded = tokenizer.encode(prompt, tokenizer.addBosByDefault(), true);
            assertArrayEquals(tokens, encoded, name + ": tokens");
            float[] logits = session.evaluate(encoded);
            assertEquals(lastLogits.length, logits.length);
            double cosine = cosine(logits, lastLogits);
            System.out.printf("%s %s cosine %.6f%n", name, backend, cosine);
            assertTrue(cosine >= minCosine, name + " " + backend + ": cosine " + cosine + " < " + minCosine);
        }
    }

    /** Cosine similarity of two vectors, in double. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
