package tandem.engine.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Entry point of the {@code tandem} command line. Output for programs goes to stdout; progress,
 * timings and errors go to stderr. Errors are one line and a non-zero exit status.
 */
public final class TandemCli {
    private TandemCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. Never throws to the caller. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            out.println(usage());
            return 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            var command = CommandHelp.of(args[0]);
            if (command.isPresent()) {
                out.println(command.get().help());
                return 0;
            }
        }
        try {
            return switch (args[0]) {
                case "inspect" -> InspectCommand.run(rest, out, err);
                case "devices" -> DevicesCommand.run(rest, out, err);
                case "tokenize" -> TokenizeCommand.run(rest, out, err);
                case "synth" -> SynthCommand.run(rest, out, err);
                case "logits" -> LogitsCommand.run(rest, out, err);
                case "run" -> RunCommand.run(rest, out, err);
                case "chat" -> ChatCommand.run(rest, System.in, out, err);
                case "serve" -> ServeCommand.run(rest, out, err);
                case "bench" -> BenchCommand.run(rest, out, err);
                case "allreduce" -> AllReduceCommand.run(rest, out, err);
                case "plan" -> PlanCommand.run(rest, out, err);
                case "kernel-check" -> KernelCheckCommand.run(rest, out, err);
                default -> {
                    err.println("tandem: unknown command '" + args[0] + "'; run 'tandem help' for the list");
                    yield 2;
                }
            };
        } catch (RuntimeException e) {
            err.println("tandem " + args[0] + ": " + oneLine(e));
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("tandem " + args[0] + ": out of Java heap memory; use a smaller --ctx or model, or a larger -Xmx");
            return 1;
        }
    }

    /**
     * The error's message as one line: its first line, or, for a message-less exception (a bug,
     * not a user mistake), the exception's name, so the user still gets one line and no "null".
     */
    static String oneLine(RuntimeException e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) return "internal error (" + e.getClass().getSimpleName() + "); please report it";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    static String usage() { return CommandHelp.overview(); }
}
