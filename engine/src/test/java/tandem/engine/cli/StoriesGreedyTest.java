package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.gguf.SharedData;

/** {@code tandem run} on stories260K reproduces llama.cpp's greedy continuations token for token. */
class StoriesGreedyTest {
    record Case(String prompt, String continuation) {
        @Override
        public String toString() { return prompt; }
    }

    static List<Case> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(SharedData.data("models/stories260K.expected.json").toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.get("cases")) cases.add(new Case(c.get("prompt").asText(), c.get("continuation").asText()));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void greedyRunPrintsLlamaCppsContinuation(Case c) {
        CliRun r = CliRun.of("run", "--model", SharedData.data("models/stories260K.gguf").toString(),
                "--backend", "cpu", "--temperature", "0", "--tokens", "60", "--prompt", c.prompt());
        assertEquals(0, r.status(), r.err());
        assertEquals(c.continuation() + "\n", r.out());
    }
}
