package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.gguf.SharedData;

/**
 * User mistakes on the command line: each is one line on stderr naming what is wrong and where,
 * nothing on stdout, exit status 1. In the cases, {model} is stories260K, {tmp} a folder holding
 * text.txt (not a model), truncated.gguf (stories260K cut short) and latin1.txt (not UTF-8).
 */
class CliErrorsTest {
    @TempDir
    static Path tmp;

    private static Path model;

    @BeforeAll
    static void files() throws IOException {
        model = SharedData.data("models/stories260K.gguf");
        Files.writeString(tmp.resolve("text.txt"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.write(tmp.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        try (InputStream in = Files.newInputStream(model); OutputStream out = Files.newOutputStream(tmp.resolve("truncated.gguf"))) {
            out.write(in.readNBytes((int) Files.size(model) / 2));
        }
    }

    private static String[] args(String spaced) {
        return Arrays.stream(spaced.trim().split(" +"))
                .map(a -> a.replace("{model}", model.toString()).replace("{tmp}", tmp.toString())).toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            inspect {tmp}/text.txt                                 | tandem inspect: {tmp}/text.txt: at byte 0: bad magic 0x726f6f74, not a GGUF file (expected "GGUF")
            inspect {tmp}                                          | tandem inspect: {tmp}: is a directory, not a GGUF file
            run --model /nonexistent.gguf --prompt hi              | tandem run: /nonexistent.gguf: no such model file
            run --model {tmp} --prompt hi                          | tandem run: {tmp}: is a directory, not a model file
            run --model {model} --prompt hi --tokens -3            | tandem run: max tokens must be >= 0, got -3
            run --model X --backend bogus                          | tandem run: --backend: 'bogus' is not one of auto, cpu, vulkan
            run --model X --cache-type q4_0                        | tandem run: --cache-type: 'q4_0' is not one of f16, f32, q8_0
            run --model {model} --prompt hi --backend cpu --cache-type q8_0 | tandem run: --cache-type q8_0 stores blocks of 32 values but this model's heads have 8; use --cache-type f16
            run --model X --prompt hi                              | tandem run: X: no such model file
            run --model {model} --prompt hi --frobnicate           | tandem run: unknown option --frobnicate for 'run'; run 'tandem help' for the list
            run --model {model} --prompt hi --ctx 99999999999      | tandem run: --ctx: 99999999999 is out of range
            run --model {model} --prompt hi --tokens many          | tandem run: --tokens: 'many' is not a whole number
            run --model {model} --file {tmp}/missing.txt           | tandem run: {tmp}/missing.txt: no such prompt file
            run --model {model} --file {tmp}/latin1.txt            | tandem run: {tmp}/latin1.txt: the prompt file is not UTF-8 text
            run --model {model} --prompt hi --backend cpu --split-mode tensor | tandem run: --devices, --split and --split-mode choose Vulkan devices; the CPU backend runs on one device: drop them or use --backend vulkan
            tokenize --model {model} --file {tmp}                  | tandem tokenize: {tmp}: is a directory, not a prompt file
            logits                                                 | tandem logits: missing --model for 'logits'
            logits --model {model}                                 | tandem logits: missing --prompt (or --file)
            """)
    void mistakeIsOneLineOnStderr(String commandLine, String expected) {
        CliRun r = CliRun.of(args(commandLine));
        assertEquals(1, r.status(), r.err());
        assertEquals("", r.out());
        assertEquals(expected.replace("{tmp}", tmp.toString()) + "\n", r.err());
    }

    @Test
    void truncatedModelIsOneLineThatSaysSo() {
        CliRun r = CliRun.of(args("run --model {tmp}/truncated.gguf --prompt hi --backend cpu"));
        assertEquals(1, r.status(), r.err());
        assertEquals("", r.out());
        String line = r.err().strip();
        assertTrue(line.startsWith("tandem run: " + tmp.resolve("truncated.gguf") + ": at byte "), line);
        assertTrue(line.contains("lies outside the file") && line.contains("truncated download?"), line);
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void messageLessBugStillGivesOneLine() {
        assertEquals("internal error (NullPointerException); please report it", TandemCli.oneLine(new NullPointerException()));
        assertEquals("first line", TandemCli.oneLine(new IllegalStateException("first line\nsecond line")));
    }
}
