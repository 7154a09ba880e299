package tandem.app.markdown;

import java.util.List;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Point2D;
import javafx.scene.Cursor;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.shape.Path;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.scene.text.TextFlow;

/**
 * Styled, wrapping text that the user can select with the mouse and copy (Ctrl+C or the context
 * menu). JavaFX cannot select text in a {@link TextFlow}; this finds characters with the flow's
 * hit test and draws the selection from its range shape. Double-click selects a word, triple-click
 * everything.
 */
public final class SelectableText extends Region {
    private final TextFlow flow = new TextFlow();
    private final Path highlight = new Path();
    private final String text;
    private int anchor;
    private int caret;
    private double narrowest = 20;

    public SelectableText(List<Text> runs) {
        getStyleClass().add("selectable-text");
        flow.getChildren().setAll(runs);
        StringBuilder all = new StringBuilder();
        for (Text run : runs) all.append(run.getText());
        text = all.toString();
        highlight.getStyleClass().add("text-selection");
        highlight.setManaged(false);
        highlight.setMouseTransparent(true);
        getChildren().addAll(highlight, flow);
        setCursor(Cursor.TEXT);
        addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (e.getButton() == MouseButton.PRIMARY) select(anchor, indexAt(e.getX(), e.getY()));
        });
        addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);
        focusedProperty().addListener((obs, was, now) -> {
            if (!now) select(0, 0); // one selection in the window at a time, as in a browser
        });
        addEventHandler(ContextMenuEvent.CONTEXT_MENU_REQUESTED, e -> {
            MenuItem copy = new MenuItem("Copy");
            copy.setDisable(selectedText().isEmpty());
            copy.setOnAction(a -> copySelection());
            MenuItem selectAll = new MenuItem("Select all");
            selectAll.setOnAction(a -> select(0, text.length()));
            new ContextMenu(copy, selectAll).show(this, e.getScreenX(), e.getScreenY());
            e.consume();
        });
    }

    /** One run of plain text in the given style classes. */
    public static SelectableText plain(String text, String... styleClasses) {
        return new SelectableText(List.of(run(text, styleClasses)));
    }

    /** A piece of text for a flow; every run has the class "md-text" (the theme's text colour). */
    public static Text run(String text, String... styleClasses) {
        Text run = new Text(text);
        run.getStyleClass().add("md-text");
        run.getStyleClass().addAll(styleClasses);
        return run;
    }

    public void setTextAlignment(TextAlignment alignment) { flow.setTextAlignment(alignment); }

    /** All the text shown. */
    public String getText() { return text; }

    public String selectedText() { return text.substring(Math.min(anchor, caret), Math.max(anchor, caret)); }

    /** Selects the characters from start to end (either order; equal ends select nothing). */
    public void select(int start, int end) {
        anchor = Math.clamp(start, 0, text.length());
        caret = Math.clamp(end, 0, text.length());
        highlight.getElements().setAll(anchor == caret ? List.of()
                : List.of(flow.rangeShape(Math.min(anchor, caret), Math.max(anchor, caret))));
    }

    /** Puts the selection on the clipboard (the whole text when nothing is selected). */
    public void copySelection() {
        ClipboardContent content = new ClipboardContent();
        content.putString(selectedText().isEmpty() ? text : selectedText());
        Clipboard.getSystemClipboard().setContent(content);
    }

    private void pressed(MouseEvent e) {
        if (e.getButton() != MouseButton.PRIMARY) return;
        requestFocus();
        int at = indexAt(e.getX(), e.getY());
        if (e.getClickCount() == 2) {
            int start = at;
            int end = at;
            while (start > 0 && Character.isLetterOrDigit(text.charAt(start - 1))) start--;
            while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) end++;
            select(start, end);
        } else if (e.getClickCount() >= 3) {
            select(0, text.length());
        } else {
            select(at, at);
        }
        e.consume();
    }

    private void keyPressed(KeyEvent e) {
        if (!e.isShortcutDown()) return;
        if (e.getCode() == KeyCode.C && !selectedText().isEmpty()) {
            copySelection();
            e.consume();
        } else if (e.getCode() == KeyCode.A) {
            select(0, text.length());
            e.consume();
        }
    }

    private int indexAt(double x, double y) {
        Point2D inFlow = flow.parentToLocal(x, y);
        return Math.clamp(flow.hitTest(inFlow).getInsertionIndex(), 0, text.length());
    }

    @Override public Orientation getContentBias() { return Orientation.HORIZONTAL; }

    @Override
    protected double computePrefWidth(double height) {
        Insets in = getInsets();
        return in.getLeft() + flow.prefWidth(-1) + in.getRight();
    }

    /** The narrowest the text wraps to (it never wraps when this is at least its width on one line). */
    public void setNarrowest(double pixels) { narrowest = pixels; }

    @Override
    protected double computeMinWidth(double height) { return Math.min(narrowest, computePrefWidth(height)); }

    @Override
    protected double computePrefHeight(double width) {
        Insets in = getInsets();
        double inner = width < 0 ? -1 : Math.max(0, width - in.getLeft() - in.getRight());
        return in.getTop() + flow.prefHeight(inner) + in.getBottom();
    }

    @Override
    protected double computeMinHeight(double width) { return computePrefHeight(width); }

    @Override
    protected void layoutChildren() {
        Insets in = getInsets();
        double w = getWidth() - in.getLeft() - in.getRight();
        flow.resizeRelocate(in.getLeft(), in.getTop(), w, flow.prefHeight(w));
        highlight.setLayoutX(in.getLeft());
        highlight.setLayoutY(in.getTop());
        if (anchor != caret) select(anchor, caret); // the lines moved: redraw the selection over them
    }
}
