package dev.headwise.model;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.tokenize.HfTokenizer;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.weights.TensorData;
import dev.headwise.weights.onnx.BertOnnxImporter;
import dev.headwise.weights.onnx.BertShape;
import dev.headwise.weights.onnx.BundledModel;
import dev.headwise.weights.onnx.ImportedEncoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Imports the encoder of a BERT ONNX export into an HF-layout model directory (config.json, model.safetensors,
 * tokenizer.json, tokenizer_config.json), which training starts from. The directory is written in one step: a
 * failed import leaves nothing at {@code out}.
 */
public final class Import {
    private Import() {}

    /** What an import wrote: the encoder's config and how many tensors. */
    public record Imported(ModelConfig config, int tensors) {}

    /**
     * @param tokenizer the export's tokenizer.json; null: the one beside the ONNX file
     * @param overwrite replace {@code out} if it exists
     */
    public static Imported onnx(Path onnx, Path tokenizer, Path out, boolean overwrite) throws IOException {
        Path tok = tokenizer != null ? tokenizer : onnx.toAbsolutePath().resolveSibling(TokenizerFiles.TOKENIZER_JSON);
        if (!Files.isRegularFile(tok)) {
            throw new HeadwiseException("no tokenizer found at " + tok + "; pass --tokenizer FILE.");
        }
        return write(BertOnnxImporter.importEncoder(onnx), Files.readAllBytes(tok), out, overwrite);
    }

    /** Imports a model shipped on the classpath, such as all-MiniLM-L6-v2. */
    public static Imported bundled(BundledModel model, Path out, boolean overwrite) throws IOException {
        byte[] tokenizerJson;
        try (var in = model.openTokenizer()) {
            tokenizerJson = in.readAllBytes();
        }
        return write(BertOnnxImporter.importEncoder(model), tokenizerJson, out, overwrite);
    }

    private static Imported write(ImportedEncoder encoder, byte[] tokenizerJson, Path out, boolean overwrite)
            throws IOException {
        int padId;
        try (var t = HfTokenizer.fromJson(tokenizerJson, TokenizerFiles.TOKENIZER_JSON)) {
            padId = t.padId();
        }
        ModelConfig config = configOf(encoder.shape(), padId);
        List<TensorData> tensors = encoder.tensors().values().stream()
                .map(t -> TensorData.ofFloats(t.name(), t.shape(), t.values())).toList();
        AtomicFiles.replaceDirectory(out, overwrite, dir -> {
            ModelFiles.saveEncoder(config, tensors, dir);
            TokenizerFiles.of(tokenizerJson, TokenizerFiles.TOKENIZER_JSON).writeTo(dir, config.maxPositions());
        });
        return new Imported(config, tensors.size());
    }

    /** The imported shape as a BERT config; dropouts and init range take BertConfig's defaults. */
    static ModelConfig configOf(BertShape s, int padId) {
        return new ModelConfig(Architecture.BERT, s.vocabSize(), s.hiddenSize(), s.numLayers(), s.numAttentionHeads(),
                s.intermediateSize(), s.maxPositions(), s.typeVocabSize(), 0.1, 0.1, 0.1,
                Activation.ofHfName(s.hiddenAct()), s.layerNormEps(), 0.02, padId, false);
    }
}
