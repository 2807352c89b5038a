package dev.headwise.train;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorType;
import org.bytedeco.pytorch.Type;

/**
 * ATen's fused AdamW kernel ({@code aten::_fused_adamw_}, what {@code torch.optim.AdamW(fused=True)} runs):
 * one pass over parameters, gradients and both moments instead of five or six. The presets do not wrap it,
 * so it is called through the dispatcher with a boxed argument stack.
 */
final class FusedAdamW {
    private FusedAdamW() {}

    /**
     * Updates {@code p}, {@code m}, {@code v} in place; {@code step} is a 0-d float tensor holding the step
     * number already counted (1 for the first update), from which the kernel computes the bias corrections.
     * A boxed call skips the dispatcher step that bumps the version counter of tensors changed in place, so
     * autograd cannot tell that p changed: update only after the backward passes that read p (as a training
     * step does).
     */
    static void update(Tensor p, Tensor g, Tensor m, Tensor v, Tensor step, double lr, AdamW.Options o,
                       double weightDecay) {
        var stack = new IValueVector();
        stack.push_back(list(p, p));
        stack.push_back(list(p, g));
        stack.push_back(list(p, m));
        stack.push_back(list(p, v));
        stack.push_back(list(p)); // max_exp_avg_sqs: only for amsgrad
        stack.push_back(list(step, step));
        stack.push_back(new IValue(lr));
        stack.push_back(new IValue(o.beta1()));
        stack.push_back(new IValue(o.beta2()));
        stack.push_back(new IValue(weightDecay));
        stack.push_back(new IValue(o.eps()));
        stack.push_back(new IValue(false)); // amsgrad
        stack.push_back(new IValue(false)); // maximize
        stack.push_back(new IValue());      // grad_scale
        stack.push_back(new IValue());      // found_inf
        // Looked up per call (a hash lookup): a handle kept in a field would be freed with the first caller's PointerScope.
        OperatorHandle op = Dispatcher.singleton().findSchemaOrThrow("aten::_fused_adamw_", "");
        op.callBoxed(stack);
    }

    /** A {@code Tensor[]} argument: a list typed as tensors (an untyped one fails the schema check), maybe empty. */
    private static IValue list(Tensor typeOf, Tensor... tensors) {
        var list = new GenericList(new Type.TypePtr(TensorType.create(typeOf)));
        for (Tensor t : tensors) list.push_back(new IValue(t));
        return new IValue(list);
    }
}
