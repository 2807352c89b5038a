package dev.headwise.model;

import dev.headwise.ffm.kernels.Int8LinearKernel;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Query, key and value as one product: each part's output as its own product on the same backend gives it. */
class StackedLinearTest {
    private static final int IN = 40;
    private static final int OUT = 24;

    @Test
    void eachPartIsItsOwnProductOnEveryBackend() {
        for (Case c : backends()) {
            LinearBackend backend = c.backend();
            try (var scope = new PointerScope(); var mode = new InferenceMode()) {
                torch.manual_seed(3);
                Linear[] parts = parts();
                var stacked = new StackedLinear(parts);
                stacked.use(backend);
                Tensor x = torch.randn(2, 7, IN);                                            // (B, T, in)
                Tensor[] each = stacked.forward(x);
                assertNotNull(each, c + " serves the stack");
                for (int i = 0; i < parts.length; i++) {
                    parts[i].use(backend);
                    assertArrayEquals(Tensors.toFloats(parts[i].forward(x)), Tensors.toFloats(each[i].contiguous()),
                            c.tolerance(), c + ", part " + i);
                }
            }
        }
    }

    @Test
    void followsTheWeightsOnceTold() {
        for (Case c : backends()) {
            LinearBackend backend = c.backend();
            try (var scope = new PointerScope()) {
                torch.manual_seed(4);
                Linear[] parts = parts();
                var stacked = new StackedLinear(parts);
                stacked.use(backend);
                Tensor x = torch.randn(5, IN);
                float[] before;
                try (var mode = new InferenceMode()) {
                    before = Tensors.toFloats(stacked.forward(x)[1].contiguous());
                }
                try (var noGrad = new NoGradGuard()) {
                    for (Linear p : parts) {
                        p.weight().mul_(new Scalar(-2.0));
                        p.bias().add_(new Scalar(0.5));
                    }
                }
                stacked.weightsChanged();
                try (var mode = new InferenceMode()) {
                    float[] after = Tensors.toFloats(stacked.forward(x)[1].contiguous());
                    parts[1].use(backend);
                    assertArrayEquals(Tensors.toFloats(parts[1].forward(x)), after, c.tolerance(), c.toString());
                    assertFalse(Arrays.equals(before, after), "the outputs changed with the weights");
                }
            }
        }
    }

    /** Training forwards take the parameters' own products, so that gradients reach them; libtorch alone needs no copy. */
    @Test
    void autogradAndLibtorchLeaveEachPartToItself() {
        PackedLinearKernel kernel = PackedLinearKernel.get().orElse(null);
        try (var scope = new PointerScope()) {
            Linear[] parts = parts();
            for (Linear p : parts) p.weight().requires_grad_(true);
            var stacked = new StackedLinear(parts);
            stacked.use(kernel != null ? LinearBackend.packed(kernel, Long.MAX_VALUE) : LinearBackend.bf16());
            assertNull(stacked.forward(torch.randn(3, IN)), "with autograd");
            stacked.use(LinearBackend.libtorch());
            try (var mode = new InferenceMode()) {
                assertNull(stacked.forward(torch.randn(3, IN)), "on libtorch");
            }
        }
    }

    private static Linear[] parts() {
        Linear[] parts = new Linear[3];
        for (int i = 0; i < parts.length; i++) parts[i] = new Linear(torch.randn(OUT, IN), torch.randn(OUT));
        return parts;
    }

    /**
     * A backend, and how far the stack's outputs may be from the parts': int8 and the packed kernel compute each
     * column on its own, so exactly; bf16's products are libtorch's, blocked by the width of the product.
     */
    private record Case(String name, LinearBackend backend, float tolerance) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Case> backends() {
        var backends = new ArrayList<>(List.of(new Case("bf16", LinearBackend.bf16(), 1e-6f)));
        PackedLinearKernel.get().ifPresent(k -> backends.add(new Case("packed", LinearBackend.packed(k, Long.MAX_VALUE), 0f)));
        Int8LinearKernel.get().ifPresent(k -> backends.add(new Case("int8", LinearBackend.int8(k), 0f)));
        return backends;
    }
}
