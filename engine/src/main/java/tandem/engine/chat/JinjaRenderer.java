package tandem.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.Duration;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Renders chat templates with Jinjava, configured to behave like the Jinja2 environment Hugging
 * Face (and llama.cpp) render them in: trim_blocks and lstrip_blocks on, whitespace control on
 * expressions too, Python operator precedence, Python str/dict methods, Python's tojson,
 * raise_exception and strftime_now. One engine is shared; each render gets its own interpreter, so this is thread-safe.
 */
final class JinjaRenderer {
    private JinjaRenderer() {}

    /**
     * Ceiling on rendered text and on any one string a template builds. A real prompt is at most a
     * few megabytes (a 1 MB user message must still render); a template that renders more is
     * broken or hostile and is stopped here before it can exhaust the heap.
     */
    static final long MAX_OUTPUT_CHARS = 16L << 20;

    /** Ceiling on nested tag rendering (includes, recursive blocks): real templates nest a few levels. */
    private static final int MAX_RENDER_DEPTH = 64;

    /**
     * Ceiling on one render's time. Real templates render in milliseconds, a 1 MB message in well
     * under a second; loops nested under the range cap that print nothing hit no other limit and
     * would spin for hours. Checked before every node the template renders.
     */
    static final Duration MAX_RENDER_TIME = Duration.ofSeconds(5);

    /** When the render on this thread must stop (System.nanoTime), or null outside a render. */
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private static final Jinjava JINJAVA = create();

    private static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withKeepNullableLoopValues(true)
                .withEvaluateMapKeys(true)
                .build();
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(false) // Jinja2's lstrip_blocks is applied to the source in JinjaCompat
                .withKeepTrailingNewline(true) // Jinja2's rule is applied to the source in JinjaCompat
                .withFailOnUnknownTokens(false)
                // Jinjava would render again any printed value holding "{{" or "{%": a message
                // saying "{{ 7 * 7 }}" would print 49. Jinja2 prints values as they are.
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxRenderDepth(MAX_RENDER_DEPTH)
                .withProcessors(JinjavaProcessors.newBuilder().withNodePreProcessor((node, interpreter) -> checkTime()).build())
                .withLegacyOverrides(python)
                .withElResolver(resolver)
                .build());
        jinjava.getGlobalContext().registerFilter(new PythonJsonFilter());
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "range", TemplateFunctions.class, "range", Object.class, Object[].class));
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "raise_exception", TemplateFunctions.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(
                new ELFunctionDefinition("", "strftime_now", TemplateFunctions.class, "strftimeNow", String.class));
        return jinjava;
    }

    /**
     * @return the rendered text
     * @throws TemplateFailure with a one-line reason when the template cannot be parsed or rendered
     */
    static String render(String template, Map<String, Object> context) {
        RenderResult result;
        DEADLINE.set(System.nanoTime() + MAX_RENDER_TIME.toNanos());
        try {
            result = JINJAVA.renderForResult(JinjaCompat.adapt(template), context);
        } catch (RuntimeException e) {
            throw new TemplateFailure(reason(e));
        } finally {
            DEADLINE.remove();
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                String own = ownReason(error.getException());
                throw new TemplateFailure(own != null ? own : "line " + error.getLineno() + ": " + error.getMessage());
            }
        }
        return result.getOutput();
    }

    /** Stops a render that has run past {@link #MAX_RENDER_TIME}; Jinjava calls it before each node. */
    private static void checkTime() {
        Long deadline = DEADLINE.get();
        if (deadline != null && System.nanoTime() - deadline > 0) {
            throw new TemplateFunctions.RenderRefused("it ran for more than " + MAX_RENDER_TIME.toSeconds()
                    + " seconds without finishing (a loop over too many items?)");
        }
    }

    /** Why a template failed, as one line. */
    static final class TemplateFailure extends RuntimeException {
        TemplateFailure(String reason) { super(reason); }
    }

    /** Why the render stopped, where the template raised or the renderer refused it; else null. */
    private static String ownReason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TemplateFunctions.TemplateRaised r) return "the template raised: " + r.getMessage();
            if (c instanceof TemplateFunctions.RenderRefused r) return r.getMessage();
        }
        return null;
    }

    private static String reason(Throwable t) {
        String own = ownReason(t);
        if (own != null) return own;
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
