package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

/**
 * The hyper-parameters of a BERT encoder, named as in HF's {@code BertConfig}.
 *
 * @param hiddenAct HF activation name: {@code gelu}, {@code gelu_new} (tanh approximation) or {@code relu}
 */
public record BertShape(int vocabSize, int hiddenSize, int numLayers, int numAttentionHeads, int intermediateSize,
                        int maxPositions, int typeVocabSize, double layerNormEps, String hiddenAct) {

    public BertShape {
        positive("vocabSize", vocabSize);
        positive("hiddenSize", hiddenSize);
        positive("numLayers", numLayers);
        positive("numAttentionHeads", numAttentionHeads);
        positive("intermediateSize", intermediateSize);
        positive("maxPositions", maxPositions);
        positive("typeVocabSize", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new HeadwiseException("The BERT hidden size " + hiddenSize
                    + " is not divisible by the number of attention heads " + numAttentionHeads + ".");
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new HeadwiseException("The BERT layer-norm epsilon " + layerNormEps + " is not in (0, 1).");
        }
        if (hiddenAct == null || hiddenAct.isBlank()) {
            throw new HeadwiseException("The BERT activation function is not set.");
        }
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    private static void positive(String what, int value) {
        if (value <= 0) {
            throw new HeadwiseException("The BERT " + what + " must be positive but is " + value + ".");
        }
    }
}
