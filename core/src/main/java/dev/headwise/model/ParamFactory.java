package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

import java.util.function.UnaryOperator;

/** Hands out a parameter tensor, under its checkpoint name, while a model is being built. */
interface ParamFactory {
    Tensor create(String name, Init init, long... shape);

    default Linear linear(String name, int in, int out) {
        return register(unboundLinear(name, in, out));
    }

    /** A Linear whose products stay on libtorch's: part of a layer registered otherwise ({@link StackedLinear}). */
    default Linear unboundLinear(String name, int in, int out) {
        return new Linear(create(name + ".weight", Init.NORMAL, out, in), create(name + ".bias", Init.ZEROS, out));
    }

    /**
     * A view of a parameter ({@code param.view(...)}, {@code .t()}, ...) to keep for the model's lifetime, made
     * so that gradients through it still reach the parameter. On the meta device, where nothing trains, the
     * view itself.
     */
    default Tensor alias(Tensor param, UnaryOperator<Tensor> view) {
        return view.apply(param);
    }

    /** Notes a layer built from parameters of this factory (the model binds its backend to it). */
    default <L extends BackendLayer> L register(L layer) {
        return layer;
    }

    default LayerNorm layerNorm(String name, int dim, double eps) {
        return new LayerNorm(create(name + ".weight", Init.ONES, dim), create(name + ".bias", Init.ZEROS, dim), eps);
    }
}
