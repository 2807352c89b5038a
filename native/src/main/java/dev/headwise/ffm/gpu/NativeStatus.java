package dev.headwise.ffm.gpu;

import dev.headwise.HeadwiseException;

import java.util.function.IntFunction;

/** Status codes of C libraries where 0 means success (CUDA runtime, NVML). */
final class NativeStatus {
    private NativeStatus() {}

    /**
     * Throws unless {@code code} is 0, naming the call, the code and the library's own name for it.
     * {@code names} may fail or return nothing (the library may be half broken): the code is still reported.
     */
    static void check(String function, int code, IntFunction<String> names) {
        if (code == 0) return;
        String name;
        try {
            name = names.apply(code);
        } catch (RuntimeException e) {
            name = null;
        }
        throw new HeadwiseException(function + " failed with error " + code
                + (name == null || name.isBlank() ? "" : " (" + name + ")") + ".");
    }
}
