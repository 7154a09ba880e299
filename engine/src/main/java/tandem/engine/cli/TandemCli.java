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

    static String usage() {
        return """
                usage: tandem <command> [options]
                  devices [--json]                       list Vulkan devices
                  inspect MODEL [--json]                 model facts and tensor table
                  tokenize --model M (--prompt T | --file F) [--no-bos] [--parse-special]   (--bench [--mb N]: speed)
                  logits --model M --prompt T            last position's logits as JSON
                  run --model M --prompt T [--tokens N]  generate text
                  chat --model M [--system T]            interactive chat
                    (run and chat: --remote URL [--api-key K] [--remote-model NAME] instead of --model: an OpenAI-compatible server)
                  serve --model M [--host 127.0.0.1] [--port 8080] [--api-key K] [--alias NAME]   OpenAI-compatible API
                  bench --model M [-p 512] [-n 128] [-r 3]
                  synth --arch llama|qwen2|qwen3 --preset tiny|8b|70b|qwen2.5-7b|qwen3-8b|qwen3-32b --type q4_0 --out FILE [--vocab V] [--seed N]
                  plan --model M [engine options]         per-device bytes and fits, without loading
                  kernel-check [--devices 0] [--shapes 100x256x37,4096x4096x512,8192x1024x512] [--types q4_0,...]   prompt kernels vs the CPU
                  allreduce --devices 0,1 [--length 4096] [--mode auto|shared|relay] [--rounds 100] [--batches 20] [--no-ownership-transfer] [--host-copies]
                engine options: --backend auto|vulkan|cpu --devices 0,1 --split 3,1 --split-mode none|layer|tensor --ctx N
                sampling: --temperature --top-k --top-p --min-p --repeat-penalty --repeat-last-n --presence-penalty --frequency-penalty --seed --tokens --stop""";
    }
}
