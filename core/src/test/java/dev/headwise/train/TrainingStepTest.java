package dev.headwise.train;

import dev.headwise.model.ModelInput;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.Loss;
import dev.headwise.Task;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import dev.headwise.model.TorchRuntime;
import dev.headwise.testing.ProcessMemory;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingStepTest {

    /** A from-scratch model memorises 32 random sequences with random labels. */
    @Test
    void tinyModelOverfitsThirtyTwoExamples() {
        torch.manual_seed(1);
        Heads heads = TinyModels.heads(Task.MULTICLASS);
        var config = new ClassifierConfig(TinyModels.distilbert().withSize(60, 32, 2, 4, 64, 24).withDropout(0, 0, 0), heads);
        var model = TextClassifier.create(config, TinyModels.CPU);
        Tensor[] x = TinyModels.batch(1, 32, 12, 60);
        Tensor y = TinyModels.targets(heads, 2, 32, torch.ScalarType.Float);
        var batch = new ModelInput(x[0], x[1], null, y);
        var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                new AdamW(model.parameters(), AdamW.Options.defaults(), true), 1.0);
        assertTrue(accuracy(model, batch) < 0.7, "random init should not already fit");
        for (int i = 0; i < 150; i++) {
            try (var scope = new PointerScope()) {
                step.accumulate(batch, 1.0);
                step.update(3e-3);
            }
        }
        assertEquals(1.0, accuracy(model, batch));
    }

    /** Native memory stays flat over 1,000 steps when each step runs in a PointerScope. */
    @Test
    void thousandStepsDoNotGrowResidentMemory() {
        // One thread, whatever earlier tests in this JVM set: allocations from extra OpenBLAS and OpenMP
        // threads land in their own malloc arenas and make the heap figure swing by megabytes either way.
        new TorchRuntime(1).apply();
        torch.manual_seed(2);
        Heads heads = TinyModels.heads(Task.HIERARCHICAL);
        var model = TextClassifier.create(new ClassifierConfig(TinyModels.bert(), heads), TinyModels.CPU);
        var batch = TinyModels.input(heads, 3, 8, 16);
        var step = new TrainingStep(model, new Loss(heads, Loss.LossOptions.NONE),
                new AdamW(model.parameters(), AdamW.Options.defaults(), true), 1.0);
        Runnable oneStep = () -> {
            try (var scope = new PointerScope()) {
                step.accumulate(batch, 1.0);
                step.update(1e-4);
            }
        };
        for (int i = 0; i < 200; i++) oneStep.run(); // allocator pools and JIT settle
        // The heap figure is process-wide, so other threads (JavaCPP's deallocator, pools left by earlier
        // tests) move it by a few MB either way (once +3.3 MB in both of two windows, after the whole suite);
        // a leak grows it in every window, noise does not.
        long nativeGrownKb = Long.MAX_VALUE;
        long rssGrownKb = Long.MAX_VALUE;
        for (int window = 0; window < 3; window++) {
            System.gc();
            long rssBefore = ProcessMemory.rssKb();
            long nativeBefore = ProcessMemory.mallocInUseBytes();
            for (int i = 0; i < 1000; i++) oneStep.run();
            System.gc();
            nativeGrownKb = Math.min(nativeGrownKb, (ProcessMemory.mallocInUseBytes() - nativeBefore) / 1024);
            rssGrownKb = Math.min(rssGrownKb, ProcessMemory.rssKb() - rssBefore);
        }
        System.out.printf("1,000 steps (the smallest of three windows): native heap %+d kB, RSS %+d kB (RSS includes Java heap growth)%n",
                nativeGrownKb, rssGrownKb);
        assertTrue(nativeGrownKb < 2 * 1024, "native heap grew by " + nativeGrownKb + " kB in each of three windows of 1,000 steps");
        assertTrue(rssGrownKb < 64 * 1024, "RSS grew by " + rssGrownKb + " kB in each of three windows of 1,000 steps");
    }

    private static double accuracy(TextClassifier model, ModelInput batch) {
        try (var scope = new PointerScope(); var noGrad = new NoGradGuard()) {
            Tensor pred = model.logits(batch.ids(), batch.mask(), null, false).argmax(new org.bytedeco.pytorch.LongOptional(1), false);
            return pred.eq(batch.targets()).to(torch.ScalarType.Float).mean().item_double();
        }
    }

}
