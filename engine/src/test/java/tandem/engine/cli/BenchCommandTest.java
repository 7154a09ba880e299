package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.gguf.SharedData;

class BenchCommandTest {
    private static final String MODEL = SharedData.data("models/stories260K.gguf").toString();

    private static String run(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), r.err());
        return r.out();
    }

    @Test
    void tablesOneRowPerTestWithMeanAndDeviation() {
        List<String> lines = run("bench", "--model", MODEL, "--backend", "cpu", "-p", "16", "-n", "4", "-r", "2").lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("| model | size | params | backend | devices | split | test | t/s |"), lines.get(0));
        assertTrue(lines.get(2).matches("\\| llama \\| .* \\| cpu \\| CPU \\| none \\| pp16 \\| [0-9.]+ ± [0-9.]+ \\| \\d+ \\|"), lines.get(2));
        assertTrue(lines.get(3).contains("| tg4 |"), lines.get(3));
    }

    @Test
    void jsonLinesCarryEverySample() throws Exception {
        List<String> lines = run("bench", "--model", MODEL, "--backend", "cpu", "-p", "8", "-n", "0", "-r", "3", "--json").lines().toList();
        assertEquals(1, lines.size());
        JsonNode row = new ObjectMapper().readTree(lines.getFirst());
        assertEquals("pp8", row.get("test").asText());
        assertEquals(3, row.get("samples_ts").size());
        assertEquals(8, row.get("n_prompt").asInt());
        assertTrue(row.get("avg_ts").asDouble() > 0);
    }

    @Test
    void depthRunsEveryTestAfterThatManyTokensInTheCacheAndPromptsTakeAList() throws Exception {
        List<String> lines = run("bench", "--model", MODEL, "--backend", "cpu", "-p", "8,4", "-n", "2", "-r", "1", "-d", "0,24",
                "--json").lines().toList();
        ObjectMapper json = new ObjectMapper();
        List<String> tests = lines.stream().map(l -> {
            try {
                JsonNode row = json.readTree(l);
                return row.get("test").asText() + "/" + row.get("n_depth").asInt();
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertEquals(List.of("pp8/0", "pp4/0", "tg2/0", "pp8 @ d24/24", "pp4 @ d24/24", "tg2 @ d24/24"), tests);
    }

    @Test
    void depthBeyondTheGivenContextIsAOneLineError() {
        CliRun r = CliRun.of("bench", "--model", MODEL, "--backend", "cpu", "-p", "8", "-n", "0", "-d", "64", "--ctx", "32");
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("--ctx 32 is too small for depth 64"), r.err());
        CliRun bad = CliRun.of("bench", "--model", MODEL, "--backend", "cpu", "-d", "4k");
        assertTrue(bad.err().contains("-d: '4k' is not a whole number"), bad.err());
    }

    @Test
    void parallelRunsEachStreamCountAtOnceWithTheAggregateRate() throws Exception {
        List<String> lines = run("bench", "--model", MODEL, "--backend", "cpu", "-p", "0", "-n", "6", "-r", "1", "-d", "0,12",
                "--parallel", "1,3", "--json").lines().toList();
        ObjectMapper json = new ObjectMapper();
        List<String> tests = new java.util.ArrayList<>();
        for (String l : lines) {
            JsonNode row = json.readTree(l);
            tests.add(row.get("test").asText());
            assertTrue(row.get("avg_ts").asDouble() > 0, l);
            assertEquals(6, row.get("n_gen").asInt(), l);
        }
        assertEquals(List.of("tg6 x1", "tg6 x3", "tg6 x1 @ d12", "tg6 x3 @ d12"), tests);
        // each run's line says how many steps ran and how many sequences shared one
        CliRun shared = CliRun.of("bench", "--model", MODEL, "--backend", "cpu", "-p", "0", "-n", "8", "-r", "1", "--parallel", "1,3");
        assertEquals(0, shared.status(), shared.err());
        java.util.regex.Matcher one = java.util.regex.Pattern.compile("tg8 x1 run 1/1: .* in all \\((\\d+) steps, ([0-9.]+) sequences a step\\)")
                .matcher(shared.err());
        assertTrue(one.find(), shared.err());
        assertEquals("8", one.group(1));
        assertEquals("1.00", one.group(2));
        java.util.regex.Matcher three = java.util.regex.Pattern.compile("tg8 x3 run 1/1: .* in all \\((\\d+) steps, ([0-9.]+) sequences a step\\)")
                .matcher(shared.err());
        assertTrue(three.find(), shared.err());
        // how many steps they shared depends on timing (a stream of this tiny model may finish before the others
        // join), so the line is checked for what is certain: 1 to 3 sequences a step, 24 in all
        double perStep = Double.parseDouble(three.group(2));
        assertTrue(perStep >= 1 && perStep <= 3, three.group());
        assertEquals(24, Math.round(Integer.parseInt(three.group(1)) * Double.parseDouble(three.group(2))), three.group());
        CliRun bad = CliRun.of("bench", "--model", MODEL, "--backend", "cpu", "--parallel", "0");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("--parallel: give stream counts of at least 1"), bad.err());
    }
}
