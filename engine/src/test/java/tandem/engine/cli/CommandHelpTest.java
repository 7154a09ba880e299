package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tandem CMD --help} for every command: the command's usage on stdout, exit 0, nothing run. */
class CommandHelpTest {
    /** Every command TandemCli dispatches, read from its source's switch, so a new command without help fails here. */
    private static List<String> dispatched() throws java.io.IOException {
        String source = java.nio.file.Files.readString(java.nio.file.Path.of("src/main/java/tandem/engine/cli/TandemCli.java"));
        Matcher m = Pattern.compile("case \"([a-z-]+)\" ->").matcher(source);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Test
    void everyCommandHasHelp() throws java.io.IOException {
        List<String> commands = dispatched();
        assertTrue(commands.size() >= 11, commands.toString());
        assertEquals(Set.copyOf(commands), Set.copyOf(CommandHelp.COMMANDS.stream().map(CommandHelp.Command::name).toList()));
        for (String c : commands) {
            for (String flag : List.of("--help", "-h")) {
                // a required option missing does not matter: help comes first
                CliRun r = CliRun.of(c, flag);
                assertEquals(0, r.status(), c + " " + flag + ": " + r.err());
                assertEquals("", r.err(), c);
                assertTrue(r.out().startsWith("usage: tandem " + c), r.out());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "chat", "bench", "plan", "logits"})
    void engineCommandsNameTheEngineOptions(String command) {
        assertTrue(CliRun.of(command, "--model", "x.gguf", "--help").out().contains("--split-mode none|layer|tensor"));
    }

    @Test
    void theOverviewListsEveryCommandAndPointsToCommandHelp() {
        String out = CliRun.of("help").out();
        assertTrue(out.contains("'tandem COMMAND --help'"), out);
        for (CommandHelp.Command c : CommandHelp.COMMANDS) assertTrue(out.contains("\n  " + c.name()), c.name() + " in " + out);
    }
}
