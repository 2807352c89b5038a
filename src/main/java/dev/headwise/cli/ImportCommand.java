package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.model.Activation;
import dev.headwise.model.Architecture;
import dev.headwise.model.ModelConfig;
import dev.headwise.model.ModelFiles;
import dev.headwise.tokenize.HfTokenizer;
import dev.headwise.tokenize.TokenizerFiles;
import dev.headwise.weights.TensorData;
import dev.headwise.weights.onnx.BertOnnxImporter;
import dev.headwise.weights.onnx.BertShape;
import dev.headwise.weights.onnx.BundledModel;
import dev.headwise.weights.onnx.BundledModels;
import dev.headwise.weights.onnx.ImportedEncoder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code headwise import}: a BERT ONNX export to an HF model directory. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import the encoder weights of a BERT ONNX export into an HF-layout directory "
                + "(config.json, model.safetensors, tokenizer.json, tokenizer_config.json).")
final class ImportCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--onnx", paramLabel = "PATH", description = "An ONNX file exported from a BERT model.")
        Path onnx;

        @Option(names = "--bundled", paramLabel = "NAME", description = "A model shipped on the classpath: all-minilm-l6-v2.")
        String bundled;
    }

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "tokenizer.json for --onnx (default: tokenizer.json beside the ONNX file).")
    Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write.")
    Path out;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        Imported imported;
        if (source.bundled != null) {
            imported = importBundled(BundledModels.byName(source.bundled), out, overwrite);
        } else {
            Path tok = tokenizer != null ? tokenizer : source.onnx.toAbsolutePath().resolveSibling("tokenizer.json");
            if (!Files.isRegularFile(tok)) {
                throw new HeadwiseException("no tokenizer found at " + tok + "; pass --tokenizer FILE.");
            }
            imported = write(BertOnnxImporter.importEncoder(source.onnx), Files.readAllBytes(tok), out, overwrite);
        }
        ModelConfig config = imported.config();
        spec.commandLine().getOut().printf("imported %d tensors (%d layers, hidden %d, %d heads) into %s%n", imported.tensors(),
                config.numLayers(), config.hiddenSize(), config.numAttentionHeads(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** What an import wrote: the encoder's config and how many tensors. */
    record Imported(ModelConfig config, int tensors) {}

    /** Imports a model shipped on the classpath into {@code out} (config.json, model.safetensors, tokenizer files). */
    static Imported importBundled(BundledModel model, Path out, boolean overwrite) throws IOException {
        byte[] tokenizerJson;
        try (var in = model.openTokenizer()) {
            tokenizerJson = in.readAllBytes();
        }
        return write(BertOnnxImporter.importEncoder(model), tokenizerJson, out, overwrite);
    }

    /** Writes the directory in one step: a failed import leaves no partial {@code out}. */
    private static Imported write(ImportedEncoder encoder, byte[] tokenizerJson, Path out, boolean overwrite)
            throws IOException {
        int padId;
        try (var t = HfTokenizer.fromJson(tokenizerJson, "tokenizer.json")) {
            padId = t.padId();
        }
        ModelConfig config = configOf(encoder.shape(), padId);
        List<TensorData> tensors = encoder.tensors().values().stream()
                .map(t -> TensorData.ofFloats(t.name(), t.shape(), t.values())).toList();
        AtomicFiles.replaceDirectory(out, overwrite, dir -> {
            ModelFiles.saveEncoder(config, tensors, dir);
            TokenizerFiles.of(tokenizerJson, "tokenizer.json").writeTo(dir, config.maxPositions());
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
