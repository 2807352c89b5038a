package dev.headwise.model;

import dev.headwise.HeadwiseException;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Feed-forward activations, under HF's names ({@code hidden_act} / {@code activation}). */
public enum Activation {
    /** Exact erf GELU: HF "gelu". */
    GELU("gelu"),
    /** tanh approximation: HF "gelu_new", "gelu_pytorch_tanh", "gelu_fast". */
    GELU_TANH("gelu_new"),
    RELU("relu");

    public final String hfName;

    Activation(String hfName) {
        this.hfName = hfName;
    }

    public static Activation ofHfName(String name) {
        return switch (name) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new HeadwiseException("config: activation '" + name
                    + "' is not supported (use gelu, gelu_new, gelu_pytorch_tanh or relu).");
        };
    }

    Tensor apply(Tensor x) {
        return switch (this) {
            case GELU -> torch.gelu(x);
            case GELU_TANH -> torch.gelu(x, "tanh");
            case RELU -> torch.relu(x);
        };
    }
}
