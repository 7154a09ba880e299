package tandem.app.split;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.scene.Cursor;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import tandem.app.ui.DeviceColors;
import tandem.app.ui.Sizes;
import tandem.engine.api.DevicePlan;

/**
 * The split as a horizontal bar: one segment per device in its colour, labelled with its share
 * and planned memory, and a draggable divider between neighbours (also movable with the arrow
 * keys when focused: 1 % per press).
 */
final class SplitBar extends Pane {
    private static final double DIVIDER_WIDTH = 10;
    private static final double KEY_STEP = 0.01;

    private final SplitViewModel vm;
    private final List<StackPane> segments = new ArrayList<>();
    private final List<Region> dividers = new ArrayList<>();

    SplitBar(SplitViewModel vm) {
        this.vm = vm;
        getStyleClass().add("split-bar");
        setId("split-bar");
        setPrefHeight(64);
        setMinHeight(64);
        vm.slots().addListener((ListChangeListener<SplitSlot>) c -> rebuild());
        rebuild();
    }

    private void rebuild() {
        getChildren().clear();
        segments.clear();
        dividers.clear();
        for (SplitSlot slot : vm.slots()) {
            Label label = new Label();
            label.getStyleClass().add("segment-label");
            label.textProperty().bind(Bindings.createStringBinding(() -> segmentText(slot), slot.shareProperty(), slot.planProperty()));
            StackPane segment = new StackPane(label);
            segment.getStyleClass().add("segment");
            segment.setStyle("-fx-background-color: " + DeviceColors.css(DeviceColors.of(slot.physicalIndex(), slot.instance())) + ";");
            segment.setMinWidth(0);
            slot.shareProperty().addListener((obs, old, now) -> requestLayout());
            segments.add(segment);
            getChildren().add(segment);
        }
        for (int i = 0; i + 1 < vm.slots().size(); i++) {
            Region divider = divider(i);
            dividers.add(divider);
            getChildren().add(divider);
        }
        requestLayout();
    }

    private Region divider(int index) {
        Region divider = new Region();
        divider.setId("divider-" + index);
        divider.getStyleClass().add("divider");
        divider.setCursor(Cursor.H_RESIZE);
        divider.setFocusTraversable(true);
        divider.setOnMouseDragged(e -> {
            double x = sceneToLocal(e.getSceneX(), e.getSceneY()).getX();
            vm.dragDivider(index, x / getWidth());
            e.consume();
        });
        divider.setOnMousePressed(e -> divider.requestFocus());
        divider.setOnKeyPressed(e -> {
            double step = e.getCode() == KeyCode.LEFT ? -KEY_STEP : e.getCode() == KeyCode.RIGHT ? KEY_STEP : 0;
            if (step == 0) return;
            vm.dragDivider(index, SplitShares.dividerPositions(vm.shares())[index] + step);
            e.consume();
        });
        return divider;
    }

    private static String segmentText(SplitSlot slot) {
        String name = slot.physicalIndex() < 0 ? "CPU" : "GPU" + slot.physicalIndex() + (slot.instance() > 0 ? " #" + (slot.instance() + 1) : "");
        String share = name + " · " + String.format(Locale.ROOT, "%.1f %%", slot.share() * 100);
        DevicePlan plan = slot.planProperty().get();
        return plan == null ? share : share + "\n" + Sizes.bytes(plan.totalBytes());
    }

    @Override
    protected void layoutChildren() {
        double width = getWidth();
        double height = getHeight();
        double x = 0;
        for (int i = 0; i < segments.size(); i++) {
            double w = vm.slots().get(i).share() * width;
            segments.get(i).resizeRelocate(x, 0, w, height);
            x += w;
        }
        double[] positions = SplitShares.dividerPositions(vm.shares());
        for (int i = 0; i < dividers.size(); i++) {
            dividers.get(i).resizeRelocate(positions[i] * width - DIVIDER_WIDTH / 2, 0, DIVIDER_WIDTH, height);
        }
    }
}
