package dev.headwise.cli;

import dev.headwise.model.Import;
import dev.headwise.model.ModelConfig;
import dev.headwise.weights.onnx.BundledModels;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
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
        Import.Imported imported = source.bundled != null
                ? Import.bundled(BundledModels.byName(source.bundled), out, overwrite)
                : Import.onnx(source.onnx, tokenizer, out, overwrite);
        ModelConfig config = imported.config();
        spec.commandLine().getOut().printf("imported %d tensors (%d layers, hidden %d, %d heads) into %s%n", imported.tensors(),
                config.numLayers(), config.hiddenSize(), config.numAttentionHeads(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
