package dev.headwise.weights;

import dev.headwise.HeadwiseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Element types of the safetensors format, named exactly as in a safetensors header. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), F8_E5M2(1), F8_E4M3(1),
    I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The dtype called {@code name} in a safetensors header (case-sensitive, as the format defines it). */
    public static DType parse(String name) {
        return find(name).orElseThrow(() -> new HeadwiseException(
                "Unknown safetensors dtype '" + name + "'; supported dtypes are " + supported() + "."));
    }

    static Optional<DType> find(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    static String supported() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
