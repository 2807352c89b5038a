package dev.headwise.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TensorsTest {
    /** A sum carried across scopes, as the training loop keeps its loss: each scope's tensors freed, the sum kept. */
    @Test
    void aTensorTakenOutOfItsScopeOutlivesIt() {
        Tensor sum = null;
        for (int i = 0; i < 3; i++) {
            try (var scope = new PointerScope()) {
                Tensor one = torch.ones(2);
                sum = Tensors.outlivingScope(sum == null ? one : sum.add(one));
            }
            assertFalse(sum.isNull(), "after scope " + i);
        }
        assertEquals(6.0, sum.sum().item_double());
        Tensor outside = Tensors.outlivingScope(torch.ones(1));                            // no scope: unchanged
        assertEquals(1.0, outside.item_double());
    }
}
