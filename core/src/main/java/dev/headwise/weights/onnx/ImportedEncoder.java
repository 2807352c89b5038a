package dev.headwise.weights.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BERT encoder imported from ONNX.
 *
 * @param tensors by HF {@code BertModel} parameter name without the {@code bert.} prefix (e.g.
 *     {@code encoder.layer.0.attention.self.query.weight}), in HF layouts (linear weights are [out, in]);
 *     {@code pooler.dense.*} only when the export has a pooler
 * @param shape the hyper-parameters read from the graph
 */
public record ImportedEncoder(Map<String, OnnxTensor> tensors, BertShape shape) {

    public ImportedEncoder {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public boolean hasPooler() {
        return tensors.containsKey("pooler.dense.weight");
    }
}
