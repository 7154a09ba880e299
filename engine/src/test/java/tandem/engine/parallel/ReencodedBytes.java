package tandem.engine.parallel;

import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;

/**
 * What holding column slices as F16 adds to a tensor split's bytes (TensorSlice#storedType): per
 * re-encoded slice, 2 bytes per weight instead of its share of the file's bytes. Written out
 * from the shapes, so the plan's own byte count is checked against it.
 */
final class ReencodedBytes {
    private ReencodedBytes() {}

    static long extra(SplitPlan plan, int devices) {
        long extra = 0;
        for (TensorLayout t : plan.model().tensors()) {
            for (int d = 0; d < devices; d++) {
                TensorSlice s = plan.sliceOf(d, t);
                if (!s.reencoded()) continue;
                extra += t.rows() * s.count() * 2 - t.rows() * t.rowBytes() * s.count() / t.rowLength();
            }
        }
        return extra;
    }
}
