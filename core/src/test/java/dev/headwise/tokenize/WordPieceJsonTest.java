package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model directory with only vocab.txt tokenizes like the equivalent HF tokenizer.json. */
class WordPieceJsonTest {
    private static final List<String> TINY_VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "hello", "world", "wor", "##ld", "!", ",", "cafe", "Hello", "##s");
    private static final List<String> SENTENCES = List.of("Hello, WÖRLD!", "hellos worlds", "", "wor ld", "Café!!",
            "unknownword hello", "[CLS] hello [SEP]");

    @Test
    void tinyVocabularyGivesTheHandComputedIds(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), TINY_VOCAB);
        try (TextTokenizer lower = Tokenizers.load(dir)) {
            // hello , world ! -> world is in the vocab whole
            assertArrayEquals(new int[] {2, 5, 10, 6, 9, 3}, lower.encode("Hello, WÖRLD!", 16).ids());
            // "hellos" -> hello ##s ; "worldx" has no piece for "x" -> [UNK]
            assertArrayEquals(new int[] {2, 5, 13, 1, 3}, lower.encode("hellos worldx", 16).ids());
            assertEquals(0, lower.padId());
            assertEquals(TINY_VOCAB.size(), lower.vocabSize());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        try (TextTokenizer cased = Tokenizers.load(dir)) {
            assertArrayEquals(new int[] {2, 12, 1, 3}, cased.encode("Hello WORLD", 16).ids());
        }
    }

    @Test
    void tinyVocabularyMatchesTheEquivalentTokenizerJson(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), TINY_VOCAB);
        Path jsonDir = Files.createDirectory(dir.resolve("json"));
        Files.write(jsonDir.resolve("tokenizer.json"), miniLmJsonWithVocabulary(TINY_VOCAB));
        assertSameIds(dir, jsonDir);
    }

    @Test
    void fullMiniLmVocabularyMatchesTheBundledTokenizerJson(@TempDir Path dir) throws IOException {
        JsonNode bundled = bundledJson();
        String[] tokens = new String[bundled.path("model").path("vocab").size()];
        bundled.path("model").path("vocab").properties().forEach(e -> tokens[e.getValue().intValue()] = e.getKey());
        Files.write(dir.resolve("vocab.txt"), List.of(tokens));
        Path jsonDir = Files.createDirectory(dir.resolve("json"));
        BundledModels.ALL_MINILM_L6_V2.copyTokenizerTo(jsonDir.resolve("tokenizer.json"));
        assertSameIds(dir, jsonDir);
    }

    @Test
    void vocabularyWithoutUnknownTokenIsRejected(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), List.of("[CLS]", "[SEP]", "hello"));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));
        assertTrue(e.getMessage().contains("[UNK]") && e.getMessage().contains("vocab.txt"), e.getMessage());
    }

    @Test
    void vocabularyThatIsNotUtf8IsRejected(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("vocab.txt"), new byte[] {'[', 'U', 'N', 'K', ']', '\n', (byte) 0xFF, (byte) 0xFE});
        assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));
    }

    private static void assertSameIds(Path vocabDir, Path jsonDir) {
        try (TextTokenizer fromVocab = Tokenizers.load(vocabDir); TextTokenizer fromJson = Tokenizers.load(jsonDir)) {
            for (String s : SENTENCES) {
                assertEquals(fromJson.encode(s, 64), fromVocab.encode(s, 64), s);
            }
            assertEquals(fromJson.vocabSize(), fromVocab.vocabSize());
        }
    }

    /** The bundled (HF-written) tokenizer.json with its vocabulary and special-token ids replaced. */
    private static byte[] miniLmJsonWithVocabulary(List<String> tokens) throws IOException {
        var json = Json.MAPPER;
        ObjectNode root = (ObjectNode) bundledJson();
        ObjectNode vocab = json.createObjectNode();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.put(tokens.get(i), i);
        }
        ((ObjectNode) root.path("model")).set("vocab", vocab);
        for (Iterator<JsonNode> it = root.path("added_tokens").iterator(); it.hasNext(); ) {
            ObjectNode added = (ObjectNode) it.next();
            added.put("id", tokens.indexOf(added.path("content").asText()));
        }
        for (Map.Entry<String, JsonNode> special : root.path("post_processor").path("special_tokens").properties()) {
            ArrayNode ids = (ArrayNode) special.getValue().path("ids");
            ids.removeAll().add(tokens.indexOf(special.getKey()));
        }
        root.putNull("padding");
        root.putNull("truncation");
        return json.writeValueAsBytes(root);
    }

    private static JsonNode bundledJson() throws IOException {
        try (InputStream in = BundledModels.ALL_MINILM_L6_V2.openTokenizer()) {
            return Json.MAPPER.readTree(in);
        }
    }
}
