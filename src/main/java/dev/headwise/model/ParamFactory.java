package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;

/** Hands out a parameter tensor, under its checkpoint name, while a model is being built. */
interface ParamFactory {
    Tensor create(String name, Init init, long... shape);

    default Linear linear(String name, int in, int out) {
        return register(new Linear(create(name + ".weight", Init.NORMAL, out, in), create(name + ".bias", Init.ZEROS, out)));
    }

    /** Notes a layer built from parameters of this factory (the model packs its weights for inference). */
    default Linear register(Linear layer) {
        return layer;
    }

    default LayerNorm layerNorm(String name, int dim, double eps) {
        return new LayerNorm(create(name + ".weight", Init.ONES, dim), create(name + ".bias", Init.ZEROS, dim), eps);
    }
}
