package tandem.app.markdown;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.layout.VBox;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Markdown shown as JavaFX nodes: headings, lists, tables, code blocks with a Copy button, inline
 * code, emphasis, links as text; every piece of text selectable.
 *
 * <p>A streaming answer is shown again after every batch of tokens. Parsing the whole text is
 * cheap; building nodes is not, so each top-level block keeps its nodes while its source text is
 * unchanged, and only the block still growing is built again.
 */
public final class MarkdownView {
    private static final Parser PARSER = Parser.builder()
            .extensions(List.of(TablesExtension.create()))
            .includeSourceSpans(IncludeSourceSpans.BLOCKS)
            .build();

    private record Shown(String source, javafx.scene.Node node) {}

    private final VBox root = new VBox(8);
    private List<Shown> shown = List.of();
    private String markdown = "";

    public MarkdownView() {
        root.getStyleClass().add("markdown");
        root.setFillWidth(true);
    }

    public VBox node() { return root; }

    /** The Markdown last shown. */
    public String markdown() { return markdown; }

    public void show(String text) {
        if (text.equals(markdown) && !shown.isEmpty()) return;
        markdown = text;
        Node document = PARSER.parse(text);
        List<Shown> next = new ArrayList<>();
        boolean changed = false;
        int i = 0;
        for (Node block = document.getFirstChild(); block != null; block = block.getNext(), i++) {
            String source = sourceOf(block, text);
            Shown before = i < shown.size() ? shown.get(i) : null;
            if (before != null && before.source().equals(source)) {
                next.add(before);
            } else {
                next.add(new Shown(source, MarkdownBlocks.block(block)));
                changed = true;
            }
        }
        if (changed || next.size() != shown.size()) root.getChildren().setAll(next.stream().map(Shown::node).toList());
        shown = next;
    }

    /** The block's own text in the input; blocks without spans (none are expected) never match an earlier one. */
    private static String sourceOf(Node block, String text) {
        List<SourceSpan> spans = block.getSourceSpans();
        if (spans.isEmpty()) return "\u0000" + System.identityHashCode(block);
        SourceSpan first = spans.getFirst();
        SourceSpan last = spans.getLast();
        int start = first.getInputIndex();
        int end = Math.min(text.length(), last.getInputIndex() + last.getLength());
        return block.getClass().getSimpleName() + ":" + text.substring(start, Math.max(start, end));
    }
}
