package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tokenizer_config.json read as HF's BertTokenizer reads it, and tokenizer files written as save_pretrained writes them. */
class TokenizerFilesTest {
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "Hello",
            "cafe", "Café", "##s");

    @Test
    void configOverridesTheTokenizerJsonNormalizerAsHfDoes(@TempDir Path dir) throws IOException {
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(dir.resolve("tokenizer.json"));  // lowercases
        int[] lower;
        try (TextTokenizer t = Tokenizers.load(dir)) {
            lower = t.encode("Hello", 8).ids();
            assertEquals(Integer.MAX_VALUE, t.modelMaxLength());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"tokenizer_class\": \"BertTokenizer\", \"do_lower_case\": false, \"model_max_length\": 40}");
        try (TextTokenizer t = Tokenizers.load(dir)) {
            int[] cased = t.encode("Hello", 8).ids();
            assertTrue(cased.length != lower.length || cased[1] != lower[1], "cased 'Hello' is not 'hello'");
            assertEquals(40, t.modelMaxLength());
        }
        // HF's "no limit" placeholder is no limit.
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
        try (TextTokenizer t = Tokenizers.load(dir)) {
            assertEquals(Integer.MAX_VALUE, t.modelMaxLength());
            assertArrayEquals(lower, t.encode("Hello", 8).ids(), "no tokenizer class: the file's normalizer stands");
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"BertTokenizer\", \"do_lower_case\": \"no\"}");
        var e = assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().contains("do_lower_case"), e.getMessage());
    }

    @Test
    void vocabOnlyDirectoryFollowsDoLowerCaseAndStripAccents(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), VOCAB);
        try (TextTokenizer t = Tokenizers.load(dir)) {
            assertArrayEquals(new int[]{2, 5, 7, 3}, t.encode("Hello Café", 8).ids(), "BertTokenizer's defaults: lowercase, no accents");
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        try (TextTokenizer t = Tokenizers.load(dir)) {
            assertArrayEquals(new int[]{2, 6, 8, 3}, t.encode("Hello Café", 8).ids());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"strip_accents\": true}");
        try (TextTokenizer t = Tokenizers.load(dir)) {
            assertArrayEquals(new int[]{2, 6, 1, 3}, t.encode("Hello Café", 8).ids(), "Cafe is not in the vocabulary");
        }
    }

    @Test
    void writtenFilesCarryTheTrainedLengthAndNoPaddingOrTruncation(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        byte[] bundled;
        try (var in = BundledModels.ALL_MINILM_L6_V2.openTokenizer()) {
            bundled = in.readAllBytes();
        }
        assertTrue(Json.MAPPER.readTree(bundled).get("truncation").isObject(), "the ONNX bundle's file pads and truncates");
        TokenizerFiles.of(bundled, "bundled").writeTo(out, 64);
        JsonNode json = Json.MAPPER.readTree(out.resolve("tokenizer.json").toFile());
        assertTrue(json.get("padding").isNull() && json.get("truncation").isNull(), json.get("padding").toString());
        JsonNode config = Json.MAPPER.readTree(out.resolve("tokenizer_config.json").toFile());
        assertEquals(64, config.get("model_max_length").asInt());
        assertEquals("BertTokenizer", config.get("tokenizer_class").asText());
        assertTrue(config.get("do_lower_case").asBoolean());
        assertTrue(config.get("strip_accents").isNull());
        assertEquals("[CLS]", config.get("cls_token").asText());
        assertEquals("[PAD]", config.get("pad_token").asText());
        try (TextTokenizer written = Tokenizers.load(out); TextTokenizer original = Tokenizers.load(BundledModels.ALL_MINILM_L6_V2)) {
            assertEquals(64, written.modelMaxLength());
            String text = "Hello, Wörld! A longer sentence to compare.";
            assertEquals(original.encode(text, 64), written.encode(text, 64));
        }

        // A cased vocab-only source keeps its casing in what is written.
        Path cased = Files.createDirectory(dir.resolve("cased"));
        Files.write(cased.resolve("vocab.txt"), VOCAB);
        Files.writeString(cased.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"model_max_length\": 512}");
        Path casedOut = Files.createDirectory(dir.resolve("cased-out"));
        TokenizerFiles.read(cased).writeTo(casedOut, 16);
        JsonNode c = Json.MAPPER.readTree(casedOut.resolve("tokenizer_config.json").toFile());
        assertTrue(!c.get("do_lower_case").asBoolean());
        assertEquals(16, c.get("model_max_length").asInt());
        try (TextTokenizer t = Tokenizers.load(casedOut)) {
            assertArrayEquals(new int[]{2, 6, 8, 3}, t.encode("Hello Café", 8).ids());
        }
    }
}
