package tandem.engine.cli;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What each command of {@code tandem} does and takes: the one-line summaries {@code tandem help}
 * lists, and the longer text {@code tandem CMD --help} prints.
 */
final class CommandHelp {
    private CommandHelp() {}

    static final String ENGINE = "engine options: --backend auto|vulkan|cpu --devices 0,1 --split 3,1 "
            + "--split-mode none|layer|tensor --ctx N --cache-type f16|f32|q8_0";
    static final String REMOTE = "--remote URL [--api-key K] [--remote-model NAME]  an OpenAI-compatible server "
            + "(e.g. http://127.0.0.1:8080/v1) instead of --model";
    static final String SAMPLING = "sampling: --temperature --top-k --top-p --min-p --repeat-penalty --repeat-last-n "
            + "--presence-penalty --frequency-penalty --seed --tokens --stop";

    /**
     * @param usage   the command and its options, as the overview lists it
     * @param summary what it does, for the overview (empty: the usage says it)
     * @param details the rest of {@code CMD --help}: one option or fact a line
     */
    record Command(String name, String usage, String summary, List<String> details) {
        String help() {
            StringBuilder b = new StringBuilder("usage: tandem ").append(usage);
            if (!summary.isEmpty()) b.append("\n").append(summary);
            for (String d : details) b.append("\n  ").append(d);
            return b.toString();
        }
    }

    static final List<Command> COMMANDS = List.of(
            new Command("devices", "devices [--json]", "list Vulkan devices", List.of(
                    "--json  one JSON array instead of the table")),
            new Command("inspect", "inspect MODEL [--json]", "model facts and tensor table", List.of(
                    "--json  the facts and tensors as JSON")),
            new Command("tokenize", "tokenize --model M (--prompt T | --file F) [--no-bos] [--parse-special]   (--bench [--mb N]: speed)",
                    "token ids of a text, one a line", List.of(
                    "--no-bos          do not add the model's BOS token",
                    "--parse-special   read special tokens (e.g. <|im_start|>) written in the text",
                    "--bench [--mb N]  tokenize N MiB of the text and report the speed")),
            new Command("logits", "logits --model M --prompt T", "last position's logits as JSON", List.of(
                    "--file F   read the prompt from a file instead of --prompt",
                    "--no-bos   do not add the model's BOS token",
                    ENGINE)),
            new Command("run", "run --model M --prompt T [--tokens N]", "generate text", List.of(
                    "--file F   read the prompt from a file instead of --prompt",
                    REMOTE, ENGINE, SAMPLING)),
            new Command("chat", "chat --model M [--system T]", "interactive chat", List.of(
                    "--system T  the system message",
                    REMOTE, ENGINE, SAMPLING)),
            new Command("serve", "serve --model M [--host 127.0.0.1] [--port 8080] [--api-key K] [--parallel N]",
                    "OpenAI-compatible HTTP API",
                    List.of("/v1/models, /v1/chat/completions, /v1/completions (streamed or not), /health, /metrics",
                            "--host H        address to listen on; anything but loopback needs --api-key",
                            "--port P        0 picks a free port",
                            "--api-key K     requests must send 'Authorization: Bearer K' (or set TANDEM_API_KEY)",
                            "--alias NAME    the model's name in the API (default: the file name without .gguf)",
                            "--parallel N    requests served at once (1-64, default 1), each with a KV cache of --ctx;",
                            "                their decode steps are shared; more requests queue",
                            ENGINE)),
            new Command("bench", "bench --model M [-p 512[,2048]] [-n 128] [-r 3] [-d 0,4096] [--parallel 1,4,8]", "", List.of(
                    "prompt processing (pp) and text generation (tg) speed, as llama-bench measures them",
                    "-p N,...   prompt tokens in one evaluation (one test per count)",
                    "-d N,...   depth: run every test with N tokens already in the cache (\"tg128 @ d4096\")",
                    "-n N       tokens generated one at a time",
                    "-r N       runs after a warm-up; tokens/s as mean ± sd",
                    "--parallel N,...  tg with N sequences at once (shared decode steps): aggregate tokens/s (\"tg128 x4\")",
                    "--json     the results as JSON",
                    "--profile  GPU time per kernel",
                    ENGINE)),
            new Command("synth", SynthCommand.SYNOPSIS, "", List.of(
                    "writes a random-weight model with a real model's shapes, for speed measurements and tests",
                    "--type T     weight type (default q4_0): " + SynthCommand.TYPES.replace('|', ' '),
                    "--vocab V     the GGUF whose tokenizer to copy (default Llama 3's)",
                    "--seed N      seed of the random weights",
                    "--kv-heads N  the preset with N KV heads instead (N must divide its query heads)")),
            new Command("plan", "plan --model M [engine options]", "per-device bytes and fits, without loading", List.of(
                    "notes under the table say where a ratio could not be kept or a KV head is copied",
                    ENGINE)),
            new Command("kernel-check", "kernel-check [--devices 0] [--shapes 100x256x37,4096x4096x512,8192x1024x512] "
                    + "[--types q4_0,...] [--attention]", "prompt kernels vs the CPU", List.of(
                    "--repeats N  runs of each shape", "--attention  also the prompt attention kernels at model sizes")),
            new Command("allreduce", "allreduce --devices 0,1 [--length 4096] [--mode auto|shared|relay] [--rounds 100] "
                    + "[--batches 20] [--no-ownership-transfer] [--host-copies]", "the all-reduce between devices: "
                    + "correctness and time per round", List.of()));

    static Optional<Command> of(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** {@code tandem help}: every command on a line, then the shared options. */
    static String overview() {
        int width = 38;
        return "usage: tandem <command> [options]   ('tandem COMMAND --help' for one command)\n"
                // a long usage line goes without its summary, as the line is long enough
                + COMMANDS.stream().map(c -> "  " + (c.summary().isEmpty() || c.usage().length() > width ? c.usage()
                        : String.format("%-" + width + "s %s", c.usage(), c.summary())))
                        .collect(Collectors.joining("\n"))
                + "\n" + ENGINE + "\n" + SAMPLING;
    }
}
