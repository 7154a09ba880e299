package tandem.engine.layering;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's layers from the bottom up, and the rules that keep every dependency pointing down.
 * The rules take the root package as a parameter so that {@link LayeringTest} can also run them on a
 * small fixture with a planted upward import and see them fail.
 */
final class EngineLayers {
    private EngineLayers() {}

    /** A layer: its name and its package pattern below the root ("" is the root package itself). */
    record Layer(String name, String relativePattern) {
        String pattern(String root) {
            return relativePattern.isEmpty() ? root : root + "." + relativePattern;
        }
    }

    /** Bottom first: a layer may use the layers before it, never one after it. */
    static final List<Layer> ORDER = List.of(
            new Layer("api", "api.."),               // the public types; imports nothing of the engine
            new Layer("tensor", "tensor.."),         // quant types and their reference decoders
            new Layer("gguf", "gguf.."),             // the file format
            new Layer("tokenizer", "tokenizer.."),
            new Layer("chat", "chat.."),             // chat templates
            new Layer("model", "model.."),           // architectures, configs, tensor names
            new Layer("runtime", "runtime.."),       // the generation loop and the backend interface
            new Layer("cpu", "cpu.."),               // the reference backend
            new Layer("vulkan", "vulkan"),           // devices, buffers, kernels
            new Layer("vulkan.model", "vulkan.model.."), // the Vulkan forward pass
            new Layer("parallel", "parallel.."),     // split plans and the all-reduce
            new Layer("tools", "tools.."),           // developer tools: synthetic models, kernel and all-reduce exercises
            new Layer("wiring", ""),                 // Engine and ModelLoader: the front door that picks a backend
            new Layer("server", "server.."),         // the OpenAI-compatible HTTP API over the public API
            new Layer("cli", "cli.."));              // the tandem commands

    /**
     * The CLI commands that work below the API on purpose: they read a file's raw layout (inspect),
     * write one (synth) or drive kernels and devices directly (kernel-check, allreduce).
     */
    static final List<String> TOOL_COMMANDS = List.of("InspectCommand", "SynthCommand", "KernelCheckCommand", "AllReduceCommand");

    /** Every rule of the engine's layering, for the packages below {@code root}. */
    static List<ArchRule> rules(String root) {
        List<ArchRule> rules = new ArrayList<>();
        for (int i = 0; i < ORDER.size() - 1; i++) {
            String[] higher = ORDER.subList(i + 1, ORDER.size()).stream().map(l -> l.pattern(root)).toArray(String[]::new);
            rules.add(noClasses().that().resideInAPackage(ORDER.get(i).pattern(root))
                    .should().dependOnClassesThat().resideInAnyPackage(higher)
                    .as(ORDER.get(i).name() + " uses no higher layer").allowEmptyShould(true));
        }
        rules.add(noClasses().that().resideInAPackage(root + ".cpu..")
                .should().dependOnClassesThat().resideInAPackage(root + ".vulkan..")
                .as("cpu never uses vulkan").allowEmptyShould(true));
        rules.add(noClasses().that().resideOutsideOfPackages(root + ".tools..", root + ".cli..")
                .and().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage(root + ".tools..")
                .as("only the CLI uses the developer tools").allowEmptyShould(true));
        rules.add(noClasses().that().resideInAPackage(root + ".cli..")
                .and().haveNameNotMatching(".*\\.(" + String.join("|", TOOL_COMMANDS) + ")(\\$.*)?")
                .should().dependOnClassesThat(resideInAPackage(root + "..")
                        .and(not(resideInAnyPackage(root + ".api..", root + ".cli..", root + ".tools..")))
                        .and(not(name(root + ".Engine")))
                        .and(not(name(root + ".server.HttpApi"))))
                .as("the CLI's user commands use only Engine, HttpApi and the api").allowEmptyShould(true));
        String[] all = ORDER.stream().map(l -> l.pattern(root)).toArray(String[]::new);
        rules.add(classes().that().resideInAPackage(root + "..").should().resideInAnyPackage(all)
                .as("every package has a layer").allowEmptyShould(true));
        return rules;
    }

    /** Each broken rule's name and details, one line per offending dependency; empty when the layering holds. */
    static List<String> violations(JavaClasses classes, String root) {
        List<String> out = new ArrayList<>();
        for (ArchRule rule : rules(root)) {
            var result = rule.evaluate(classes);
            for (String detail : result.getFailureReport().getDetails()) out.add(rule.getDescription() + ": " + detail);
        }
        return out;
    }
}
