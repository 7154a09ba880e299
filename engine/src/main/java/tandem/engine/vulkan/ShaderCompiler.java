package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryUtil.memFree;
import static org.lwjgl.system.MemoryUtil.memUTF8;
import static org.lwjgl.util.shaderc.Shaderc.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lwjgl.util.shaderc.ShadercIncludeResolve;
import org.lwjgl.util.shaderc.ShadercIncludeResult;
import org.lwjgl.util.shaderc.ShadercIncludeResultRelease;

/**
 * Build step (run by Maven at process-classes): compiles {@code shaders/*.comp} to SPIR-V with
 * shaderc into the engine's resources. {@code shaders/variants.txt} names the variants, one per
 * line: {@code OUTPUT SOURCE.comp [NAME[=VALUE] ...]}; a .comp without a line is compiled once under
 * its own name. Any compile error fails the build with the compiler's message.
 */
public final class ShaderCompiler {
    private ShaderCompiler() {}

    record Variant(String output, String source, Map<String, String> defines) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: ShaderCompiler SHADER_DIR OUTPUT_DIR");
        Path sources = Path.of(args[0]);
        Path output = Path.of(args[1]);
        Files.createDirectories(output);
        List<Variant> variants = variants(sources);
        List<String> failures = new ArrayList<>();
        long compiler = shaderc_compiler_initialize();
        try {
            for (Variant v : variants) {
                String error = compile(compiler, sources, v, output.resolve(v.output() + ".spv"));
                if (error != null) failures.add(v.output() + " (" + v.source() + " " + v.defines() + "):\n" + error);
            }
        } finally {
            shaderc_compiler_release(compiler);
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("shader compilation failed:\n" + String.join("\n", failures));
        }
        System.out.println("compiled " + variants.size() + " shader variants into " + output);
    }

    static List<Variant> variants(Path dir) throws IOException {
        List<Variant> out = new ArrayList<>();
        Path list = dir.resolve("variants.txt");
        List<String> listed = new ArrayList<>();
        if (Files.exists(list)) {
            for (String raw : Files.readAllLines(list)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] parts = line.split("\\s+");
                Map<String, String> defines = new LinkedHashMap<>();
                for (int i = 2; i < parts.length; i++) {
                    int eq = parts[i].indexOf('=');
                    if (eq < 0) defines.put(parts[i], "1");
                    else defines.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
                if (!Files.exists(dir.resolve(parts[1]))) throw new IllegalStateException("variants.txt names missing " + parts[1]);
                out.add(new Variant(parts[0], parts[1], defines));
                listed.add(parts[1]);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".comp")).sorted().toList()) {
                String name = p.getFileName().toString();
                if (!listed.contains(name)) out.add(new Variant(name.substring(0, name.length() - 5), name, Map.of()));
            }
        }
        return out;
    }

    /** Returns null on success, else the compiler's messages. */
    private static String compile(long compiler, Path dir, Variant v, Path target) throws IOException {
        String source = Files.readString(dir.resolve(v.source()));
        long options = shaderc_compile_options_initialize();
        ShadercIncludeResolve resolve = ShadercIncludeResolve.create((user, requested, type, requesting, depth) ->
                includeResult(dir, memUTF8(requested)));
        ShadercIncludeResultRelease release = ShadercIncludeResultRelease.create((user, result) -> {
            ShadercIncludeResult r = ShadercIncludeResult.create(result);
            memFree(r.source_name());
            memFree(r.content());
            r.free();
        });
        try {
            // Cooperative matrices exist from SPIR-V 1.6 (Vulkan 1.3) on; every other kernel stays on
            // Vulkan 1.2 / SPIR-V 1.5, so devices and drivers at 1.2 still load all of them.
            boolean vulkan13 = needsVulkan13(source);
            shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan,
                    vulkan13 ? shaderc_env_version_vulkan_1_3 : shaderc_env_version_vulkan_1_2);
            shaderc_compile_options_set_target_spirv(options, vulkan13 ? shaderc_spirv_version_1_6 : shaderc_spirv_version_1_5);
            shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance);
            shaderc_compile_options_set_include_callbacks(options, resolve, release, 0);
            for (var d : v.defines().entrySet()) shaderc_compile_options_add_macro_definition(options, d.getKey(), d.getValue());
            long result = shaderc_compile_into_spv(compiler, source, shaderc_glsl_compute_shader, v.source(), "main", options);
            try {
                if (shaderc_result_get_compilation_status(result) != shaderc_compilation_status_success) {
                    return shaderc_result_get_error_message(result);
                }
                ByteBuffer spv = shaderc_result_get_bytes(result);
                byte[] bytes = new byte[spv.remaining()];
                spv.get(bytes);
                Files.write(target, bytes);
                return null;
            } finally {
                shaderc_result_release(result);
            }
        } finally {
            shaderc_compile_options_release(options);
            resolve.free();
            release.free();
        }
    }

    /** Whether a shader uses a feature that needs SPIR-V 1.6: today only GL_KHR_cooperative_matrix. */
    static boolean needsVulkan13(String source) {
        return source.contains("#extension GL_KHR_cooperative_matrix");
    }

    /** Includes resolve relative to the shader folder; a missing file becomes the compiler's error. */
    private static long includeResult(Path dir, String requested) {
        Path file = dir.resolve(requested);
        String content;
        String name;
        try {
            content = Files.readString(file);
            name = file.getFileName().toString();
        } catch (IOException e) {
            content = "cannot read include " + requested + ": " + e.getMessage();
            name = "";
        }
        ShadercIncludeResult r = ShadercIncludeResult.calloc();
        r.source_name(memUTF8(name, false)).content(memUTF8(content, false)).user_data(0);
        return r.address();
    }
}
