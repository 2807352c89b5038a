package dev.headwise.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The sequence-classification head on the summary token's hidden state, as HF builds it:
 * DistilBERT: {@code pre_classifier}, ReLU, dropout, {@code classifier}.
 * BERT: {@code pooler.dense}, tanh, dropout, {@code classifier}.
 * RoBERTa ({@code RobertaClassificationHead}, on {@code <s>}): dropout, {@code classifier.dense}, tanh, dropout,
 * {@code classifier.out_proj}.
 * XLNet ({@code SequenceSummary}, on the last token): {@code summary_first_dropout}, {@code sequence_summary.summary},
 * tanh, {@code summary_last_dropout}, {@code logits_proj}.
 * Every label level shares the pooled vector; level k owns rows offset(k)..offset(k)+size(k) of the output
 * layer, so a hierarchical model is still a plain HF checkpoint whose logits split by level.
 */
final class ClassificationHead {
    private final Linear pool;
    private final boolean tanh;
    private final Linear classifier;
    private final double inputDropout;
    private final double dropout;
    private final boolean lastToken;

    ClassificationHead(ParamFactory p, ModelConfig c, Heads heads) {
        Architecture a = c.architecture();
        int h = c.hiddenSize();
        pool = p.linear(a.head.pool(), h, h);
        tanh = a != Architecture.DISTILBERT;
        classifier = p.linear(a.head.classifier(), h, heads.numLogits());
        inputDropout = switch (a) {
            case DISTILBERT, BERT -> 0;
            case ROBERTA -> c.classifierDropout();   // one nn.Dropout, applied before dense and after tanh
            case XLNET -> c.summaryFirstDropout();
        };
        dropout = c.classifierDropout();
        lastToken = a.head.lastToken();
    }

    /**
     * hidden: (B, T, H), or only the summary token's row (B, 1, H). Returns logits (B, numLogits).
     */
    Tensor forward(Tensor hidden, Dropout drop) {
        Tensor token = hidden.select(1, lastToken ? hidden.size(1) - 1 : 0);               // (B, H)
        Tensor pooled = pool.forward(inputDropout > 0 ? drop.apply(token, inputDropout) : token);
        pooled = tanh ? torch.tanh(pooled) : torch.relu(pooled);
        return classifier.forward(drop.apply(pooled, dropout));                             // (B, numLogits)
    }
}
