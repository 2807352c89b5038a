package dev.headwise.bench;

import dev.headwise.Task;
import dev.headwise.model.ClassifierConfig;
import dev.headwise.model.Heads;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.TextClassifier;
import dev.headwise.model.TinyModels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlopCountTest {

    /** DistilBERT, vocab 50, hidden 16, 2 layers, 4 heads, FFN 32, 24 positions, 3 labels; counted by hand. */
    @Test
    void tinyDistilbertMatchesAHandCount() {
        ModelConfig config = TinyModels.distilbert();
        var model = TextClassifier.create(new ClassifierConfig(config, TinyModels.heads(Task.MULTICLASS)), TinyModels.CPU);
        long attention = 4 * (16 * 16 + 16);    // q, k, v, out: weight + bias
        long ffn = (16 * 32 + 32) + (32 * 16 + 16);
        long norms = 2 * (2 * 16);              // two LayerNorms per block, weight + bias
        long blocks = 2 * (attention + ffn + norms);
        long embeddingNorm = 2 * 16;
        long head = (16 * 16 + 16) + (16 * 3 + 3); // pre_classifier, classifier
        long expected = blocks + embeddingNorm + head;
        assertEquals(4803, expected);
        assertEquals(expected, FlopCount.nonEmbeddingParameters(model));

        // batch 2 x seq 8 = 16 tokens: 6 x 4803 per token, plus 12 x 2 layers x 8 x 16 hidden per token.
        assertEquals(16.0 * (6 * 4803 + 12 * 2 * 8 * 16), FlopCount.trainingStep(expected, config, 2, 8));
    }

    @Test
    void attentionTermGrowsWithTheSquareOfTheSequence() {
        ModelConfig config = TinyModels.distilbert();
        double noParams64 = FlopCount.trainingStep(0, config, 1, 64);
        double noParams128 = FlopCount.trainingStep(0, config, 1, 128);
        assertEquals(4.0, noParams128 / noParams64, 1e-12);
        assertEquals(12.0 * 2 * 64 * 64 * 16, noParams64);
    }

    @Test
    void latencyPercentilesUseNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) nanos[i] = (100 - i) * 1_000_000L; // 100 ms down to 1 ms
        Latency l = Latency.of(nanos);
        assertEquals(50.0, l.p50Ms());
        assertEquals(90.0, l.p90Ms());
        assertEquals(99.0, l.p99Ms());
        assertEquals(100, l.samples());
        assertEquals(7.0, Latency.of(new long[]{7_000_000L}).p99Ms());
    }

    @Test
    void minilmShapeIsTheBundledModelsShape() {
        ModelConfig m = ModelShapes.minilm();
        var model = TextClassifier.create(new ClassifierConfig(m, Heads.single(Task.MULTICLASS,
                java.util.List.of("a", "b"))), TinyModels.CPU);
        // sentence-transformers reports 22.7M parameters for all-MiniLM-L6-v2 (encoder with pooler).
        long encoder = model.parameters().named().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("classifier")).mapToLong(e -> e.getValue().numel()).sum();
        assertEquals(22.7e6, encoder, 0.05e6);
    }
}
