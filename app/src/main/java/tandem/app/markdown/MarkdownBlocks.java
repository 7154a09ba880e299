package tandem.app.markdown;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.ThematicBreak;

/** Builds the JavaFX nodes of one parsed Markdown block (and of the blocks inside it). */
final class MarkdownBlocks {
    /** Table cells wrap no narrower than this (pixels). */
    private static final double CELL_WRAP_WIDTH = 160;

    private MarkdownBlocks() {}

    static javafx.scene.Node block(Node block) {
        return switch (block) {
            case Heading h -> text(h, "md-heading", "md-h" + Math.min(h.getLevel(), 4));
            case Paragraph p -> text(p, "md-paragraph");
            case FencedCodeBlock code -> codeBlock(code.getLiteral(), code.getInfo());
            case IndentedCodeBlock code -> codeBlock(code.getLiteral(), "");
            case ListBlock list -> list(list);
            case BlockQuote quote -> children(quote, "md-quote");
            case TableBlock table -> table(table);
            case ThematicBreak rule -> new Separator();
            case HtmlBlock html -> SelectableText.plain(html.getLiteral().stripTrailing(), "md-code");
            default -> children(block, "md-block");
        };
    }

    /** The blocks inside a block, one under the other. */
    private static VBox children(Node parent, String styleClass) {
        VBox box = new VBox(6);
        box.getStyleClass().add(styleClass);
        for (Node child = parent.getFirstChild(); child != null; child = child.getNext()) box.getChildren().add(block(child));
        return box;
    }

    private static SelectableText text(Node inlineParent, String... styleClasses) {
        List<Text> runs = new ArrayList<>();
        inlines(inlineParent, List.of(), runs);
        SelectableText text = new SelectableText(runs);
        text.getStyleClass().addAll(styleClasses);
        return text;
    }

    /** The inline content as runs of text, each in the classes of the emphasis, code or link it is in. */
    private static void inlines(Node parent, List<String> classes, List<Text> out) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            switch (n) {
                case org.commonmark.node.Text t -> out.add(SelectableText.run(t.getLiteral(), classes.toArray(String[]::new)));
                case Code c -> out.add(SelectableText.run(c.getLiteral(), with(classes, "md-code").toArray(String[]::new)));
                case Emphasis e -> inlines(e, with(classes, "md-em"), out);
                case StrongEmphasis s -> inlines(s, with(classes, "md-strong"), out);
                case Link link -> link(link, classes, out);
                case Image image -> {
                    // Pictures are not fetched: their description stands in for them.
                    out.add(SelectableText.run("[", classes.toArray(String[]::new)));
                    inlines(image, classes, out);
                    out.add(SelectableText.run("]", classes.toArray(String[]::new)));
                }
                case SoftLineBreak b -> out.add(SelectableText.run("\n")); // a model's line break is meant as one
                case HardLineBreak b -> out.add(SelectableText.run("\n"));
                case HtmlInline html -> out.add(SelectableText.run(html.getLiteral(), classes.toArray(String[]::new)));
                default -> inlines(n, classes, out);
            }
        }
    }

    /** A link is shown as its text (nothing is opened); the address shows on hover. */
    private static void link(Link link, List<String> classes, List<Text> out) {
        int from = out.size();
        inlines(link, with(classes, "md-link"), out);
        if (out.size() == from) out.add(SelectableText.run(link.getDestination(), with(classes, "md-link").toArray(String[]::new)));
        for (Text t : out.subList(from, out.size())) Tooltip.install(t, new Tooltip(link.getDestination()));
    }

    private static List<String> with(List<String> classes, String more) {
        List<String> all = new ArrayList<>(classes);
        all.add(more);
        return all;
    }

    /** A code block: its language (when given), a Copy button, and the code in a fixed-width font. */
    private static VBox codeBlock(String literal, String info) {
        String code = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        Label language = new Label(info == null ? "" : info.strip().split("\\s+", 2)[0]);
        language.getStyleClass().add("md-code-language");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button copy = new Button("Copy");
        copy.getStyleClass().addAll("message-action", "code-copy");
        copy.setTooltip(new Tooltip("Copy this code"));
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(code);
            Clipboard.getSystemClipboard().setContent(content);
            copy.setText("Copied");
        });
        HBox bar = new HBox(6, language, spacer, copy);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("md-code-bar");
        SelectableText text = SelectableText.plain(code, "md-code");
        text.getStyleClass().add("md-code-text");
        text.setNarrowest(Double.MAX_VALUE); // code lines never wrap: a long one scrolls sideways
        VBox box = new VBox(bar, sideways(text));
        box.getStyleClass().add("md-code-block");
        return box;
    }

    private static VBox list(ListBlock list) {
        VBox box = new VBox(list.isTight() ? 2 : 6);
        box.getStyleClass().add("md-list");
        int number = list instanceof OrderedList ordered ? ordered.getStartNumber() : 0;
        String delimiter = list instanceof OrderedList ordered ? String.valueOf(ordered.getDelimiter()) : "";
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            Label marker = new Label(list instanceof BulletList ? "•" : (number++) + delimiter);
            marker.getStyleClass().add("md-list-marker");
            marker.setMinWidth(Region.USE_PREF_SIZE);
            VBox content = children(item, "md-list-item");
            HBox.setHgrow(content, Priority.ALWAYS);
            HBox row = new HBox(6, marker, content);
            box.getChildren().add(row);
        }
        return box;
    }

    /**
     * Content as wide as the answer, or wider when it cannot be narrower (a long code line, a
     * table of many columns): then it scrolls sideways instead of squeezing into single letters.
     */
    private static ScrollPane sideways(Region content) {
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.AS_NEEDED);
        scroll.getStyleClass().addAll("edge-to-edge", "md-sideways");
        // As tall as the content, plus the scroll bar when one shows (the skin's own guess reserves it always).
        var height = javafx.beans.binding.Bindings.createDoubleBinding(() -> content.getHeight() + scrollBarHeight(scroll),
                content.heightProperty(), content.widthProperty(), scroll.viewportBoundsProperty());
        scroll.minHeightProperty().bind(height);
        scroll.prefHeightProperty().bind(height);
        scroll.maxHeightProperty().bind(height);
        return scroll;
    }

    private static double scrollBarHeight(ScrollPane scroll) {
        for (javafx.scene.Node n : scroll.lookupAll(".scroll-bar")) {
            if (n instanceof javafx.scene.control.ScrollBar bar && bar.getOrientation() == javafx.geometry.Orientation.HORIZONTAL
                    && bar.isVisible()) {
                return bar.getHeight();
            }
        }
        return 0;
    }

    /** A table as a grid: header cells bold, each column aligned as the Markdown says. */
    private static ScrollPane table(TableBlock table) {
        GridPane grid = new GridPane();
        grid.getStyleClass().add("md-table");
        int row = 0;
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node tableRow = section.getFirstChild(); tableRow != null; tableRow = tableRow.getNext(), row++) {
                int column = 0;
                for (Node cell = tableRow.getFirstChild(); cell != null; cell = cell.getNext(), column++) {
                    TableCell c = (TableCell) cell;
                    SelectableText text = text(c, c.isHeader() ? "md-table-header" : "md-table-cell");
                    text.getStyleClass().add(row % 2 == 0 ? "md-row-even" : "md-row-odd");
                    text.setMaxWidth(Double.MAX_VALUE);
                    // A short cell keeps its words on one line; a long one wraps, down to a readable width.
                    text.setNarrowest(CELL_WRAP_WIDTH);
                    text.setTextAlignment(alignment(c.getAlignment()));
                    grid.add(text, column, row);
                    if (row == 0) grid.getColumnConstraints().add(column());
                }
            }
        }
        return sideways(grid);
    }

    private static ColumnConstraints column() {
        ColumnConstraints column = new ColumnConstraints();
        column.setHgrow(Priority.SOMETIMES);
        column.setFillWidth(true);
        return column;
    }

    private static TextAlignment alignment(TableCell.Alignment alignment) {
        if (alignment == null) return TextAlignment.LEFT;
        return switch (alignment) {
            case RIGHT -> TextAlignment.RIGHT;
            case CENTER -> TextAlignment.CENTER;
            case LEFT -> TextAlignment.LEFT;
        };
    }
}
