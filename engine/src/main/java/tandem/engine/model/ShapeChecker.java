package tandem.engine.model;

import java.util.Arrays;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.api.TandemException;

/** Looks tensors up by name and checks their shape and type, with messages that name the tensor. */
final class ShapeChecker {
    private final GgufFile file;

    ShapeChecker(GgufFile file) {
        this.file = file;
    }

    /** The tensor, which must have exactly these dims (GGUF order) and a type Tandem computes with. */
    TensorInfo require(String name, long... expected) {
        TensorInfo t = file.tensor(name).orElseThrow(
                () -> new TandemException(file.path() + ": missing tensor " + name));
        if (!Arrays.equals(t.dims(), expected)) {
            throw new TandemException(file.path() + ": tensor " + name + ": expected " + Arrays.toString(expected)
                    + ", found " + t.shape());
        }
        t.type().requireSupported(name);
        return t;
    }

    /** The tensor must exist and have this many dimensions. */
    static void requireRank(GgufFile file, String name, int rank) {
        TensorInfo t = file.tensor(name).orElseThrow(
                () -> new TandemException(file.path() + ": missing tensor " + name));
        if (t.rank() != rank) {
            throw new TandemException(file.path() + ": tensor " + name + ": expected " + rank + " dimensions, found " + t.shape());
        }
    }
}
