package dev.headwise.model;

/** A layer whose products a model's {@link LinearBackend} computes, told when the backend or its weights change. */
interface BackendLayer {
    /** Computes this layer's products on {@code backend} from now on, bound to the weights as they are now. */
    void use(LinearBackend backend);

    /** The weights were changed in place: any copy of them is made again before it serves another product. */
    void weightsChanged();
}
