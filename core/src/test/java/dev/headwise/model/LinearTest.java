package dev.headwise.model;

import dev.headwise.Task;
import dev.headwise.ffm.kernels.PackedLinearKernel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The packed kernel's {@link LinearBackend} behind {@link Linear} against libtorch's {@code linear}: what it serves, and what it gives. */
class LinearTest {
    private static final PackedLinearKernel.Epilogue NONE = PackedLinearKernel.Epilogue.NONE;

    @BeforeEach
    void kernelPresent() {
        assumeTrue(PackedLinearKernel.get().isPresent(), "neither AVX-512F nor AVX2 on this CPU, or the kernel library was not built");
    }

    @Test
    void servesFewRowsWithoutAutograd() {
        try (var scope = new PointerScope()) {
            Linear linear = linear(96, 40);
            LinearBackend.Product packed = packed().bind(linear.weight(), linear.bias());
            Tensor few = torch.randn(4, 64, 40);                                              // 256 rows
            Tensor many = torch.randn(1, 257, 40);                                            // 257 rows
            assertNull(packed.forward(few, NONE, null), "weights require grad and grad mode is on");
            try (var noGrad = new NoGradGuard()) {
                assertNotNull(packed.forward(few, NONE, null));
                assertNull(packed.forward(many, NONE, null), "more rows than the kernel is used for");
                assertNull(packed.forward(few.to(torch.ScalarType.Double), NONE, null), "fp32 only");
            }
            try (var mode = new InferenceMode()) {
                assertNotNull(packed.forward(few, NONE, null));
            }
        }
    }

    @Test
    void matchesLibtorchOnContiguousAndStridedRows() {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            Linear linear = packedLinear(200, 384);
            Tensor x = torch.randn(4, 16, 384);
            assertClose(reference(linear, x), linear.forward(x));
            Tensor firstTokens = x.narrow(1, 0, 1);                                           // (4, 1, 384), strided
            assertNotNull(packed().bind(linear.weight(), linear.bias()).forward(firstTokens, NONE, null));
            assertClose(reference(linear, firstTokens), linear.forward(firstTokens));
        }
    }

    /** The activations fused into the kernel's stores against libtorch's own, over pre-activations in [-15, 15]. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void fusedActivationMatchesLibtorch(Activation act) {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            Linear linear = packedLinear(100, 64);
            Tensor x = torch.randn(3, 20, 64).mul_(new Scalar(6.0));                         // outputs of sd ~3
            Tensor pre = reference(linear, x);
            assertTrue(pre.max().item_float() > 8 && pre.min().item_float() < -8, "both tails reached");
            Tensor expected = act.apply(pre);
            assertClose(expected, linear.forward(x, act));
        }
    }

    /** The residual added as the kernel stores, and the unfused path for a strided residual. */
    @Test
    void residualJoinsTheOutput() {
        try (var scope = new PointerScope(); var mode = new InferenceMode()) {
            Linear linear = packedLinear(48, 96);
            Tensor x = torch.randn(2, 10, 96);
            Tensor residual = torch.randn(2, 10, 48);
            Tensor expected = reference(linear, x).add(residual);
            assertClose(expected, linear.forwardAdding(x, residual));
            Tensor strided = torch.randn(2, 10, 96).narrow(2, 0, 48);                         // not contiguous
            assertClose(reference(linear, x).add(strided), linear.forwardAdding(x, strided));
        }
    }

    /** A bound copy of W is W as it was; the owner of a change binds again, and the products follow. */
    @Test
    void followsTheWeightOnceTheOwnerSaysItChanged() {
        try (var scope = new PointerScope()) {
            Linear linear = packedLinear(50, 30);
            Tensor x = torch.randn(5, 30);
            try (var noGrad = new NoGradGuard()) {
                Tensor before = linear.forward(x);
                assertClose(reference(linear, x), before);
                linear.weight().mul_(new Scalar(-2.0));                                        // what an optimizer step does
                assertClose(before, linear.forward(x));
                linear.weightsChanged();
                Tensor after = linear.forward(x);
                assertClose(reference(linear, x), after);
                assertFalse(torch.allclose(before, after), "the result changed with the weight");
            }
        }
    }

    @Test
    void inferenceLogitsMatchTheAutogradPath() {
        torch.manual_seed(3);
        ModelConfig c = TinyModels.distilbert();
        TextClassifier model = TextClassifier.create(new ClassifierConfig(c, TinyModels.heads(Task.MULTICLASS)), TinyModels.CPU);
        model.useLinearBackend(packed());
        try (var scope = new PointerScope()) {
            Tensor[] batch = TinyModels.batch(9, 3, 12, c.vocabSize());
            float[] libtorch = Tensors.toFloats(model.logits(batch[0], batch[1], null, false));  // grad on: libtorch
            try (var mode = new InferenceMode()) {
                assertArrayEquals(libtorch, Tensors.toFloats(model.logits(batch[0], batch[1], null, false)), 1e-5f);
            }
        }
    }

    private static LinearBackend packed() {
        return LinearBackend.packed(PackedLinearKernel.get().orElseThrow(), 256);
    }

    private static Linear packedLinear(int out, int in) {
        Linear linear = linear(out, in);
        linear.use(packed());
        return linear;
    }

    private static Linear linear(int out, int in) {
        Tensor w = torch.randn(out, in).mul_(new Scalar(0.05)).requires_grad_(true);
        Tensor b = torch.randn(out).requires_grad_(true);
        return new Linear(w, b);
    }

    private static Tensor reference(Linear linear, Tensor x) {
        return torch.linear(x, linear.weight(), new TensorOptional(linear.bias()));
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        assertArrayEquals(Tensors.toFloats(expected), Tensors.toFloats(actual), 2e-5f);
    }
}
