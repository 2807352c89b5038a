package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming reader against a plain reading of the whole JSON tree, on generated tokenizer files. */
class TokenizerJsonFactsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBundledTokenizerHasBertsPadIdAndVocabulary() throws Exception {
        try (InputStream in = BundledModels.ALL_MINILM_L6_V2.openTokenizer()) {
            byte[] bytes = in.readAllBytes();
            var facts = TokenizerJsonFacts.read(bytes, "bundled");
            assertEquals(reference(JSON.readTree(bytes)), facts);
            assertEquals(new TokenizerJsonFacts(0, 30522), facts);
        }
    }

    @Test
    void generatedFilesAgreeWithTheTreeReading() throws Exception {
        var random = new Random(7);
        for (int i = 0; i < 500; i++) {
            JsonNode root = generated(random);
            byte[] bytes = JSON.writeValueAsBytes(root);
            assertEquals(reference(root), TokenizerJsonFacts.read(bytes, "generated"), root::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\": {\"vocab\": {\"a\": 1,}}}", "{\"model\": {\"vocab\": [[\"a\", 0.5]", "nonsense"})
    void invalidJsonIsNamed(String text) {
        var e = assertThrows(HeadwiseException.class,
                () -> TokenizerJsonFacts.read(text.getBytes(StandardCharsets.UTF_8), "t.json"));
        assertTrue(e.getMessage().startsWith("The tokenizer file t.json is not valid JSON"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{}", "{\"model\": [1]}", "{\"added_tokens\": [], \"model\": null}"})
    void aFileWithoutAModelObjectIsRejected(String text) {
        var e = assertThrows(HeadwiseException.class,
                () -> TokenizerJsonFacts.read(text.getBytes(StandardCharsets.UTF_8), "t.json"));
        assertTrue(e.getMessage().contains("has no \"model\" object"), e.getMessage());
    }

    /** The facts read from the whole tree, as headwise did before streaming. */
    private static TokenizerJsonFacts reference(JsonNode root) {
        JsonNode padding = root.path("padding");
        int size = 0;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isArray()) size = vocab.size();
        if (vocab.isObject()) for (JsonNode id : vocab) size = Math.max(size, id.asInt() + 1);
        for (JsonNode added : root.path("added_tokens")) size = Math.max(size, added.path("id").asInt() + 1);
        if (padding.path("pad_id").isInt()) return new TokenizerJsonFacts(padding.path("pad_id").intValue(), size);
        for (String token : List.of("[PAD]", "<pad>")) {
            if (vocab.path(token).isInt()) return new TokenizerJsonFacts(vocab.path(token).intValue(), size);
            for (JsonNode added : root.path("added_tokens")) {
                if (token.equals(added.path("content").asText()) && added.path("id").isInt()) {
                    return new TokenizerJsonFacts(added.path("id").intValue(), size);
                }
            }
        }
        return new TokenizerJsonFacts(0, size);
    }

    /** Integer ids only: the tree reading would count other values as 0, the stream skips them. */
    private static JsonNode generated(Random r) {
        List<String> tokens = List.of("[PAD]", "<pad>", "[UNK]", "a", "b", "##c", "[CLS]");
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        switch (r.nextInt(3)) {
            case 0 -> root.putObject("padding").put("pad_id", r.nextInt(50)).put("pad_token", "[PAD]");
            case 1 -> root.putObject("padding").put("strategy", "BatchLongest");
            default -> root.putNull("padding");
        }
        if (r.nextBoolean()) {
            ArrayNode added = root.putArray("added_tokens");
            for (int i = r.nextInt(4); i > 0; i--) {
                added.addObject().put("id", r.nextInt(80)).put("content", tokens.get(r.nextInt(tokens.size())))
                        .put("special", true);
            }
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        if (r.nextInt(4) == 0) {
            ArrayNode vocab = model.putArray("vocab");
            for (int i = r.nextInt(20); i > 0; i--) vocab.addArray().add(tokens.get(r.nextInt(tokens.size()))).add(-1.5);
        } else {
            ObjectNode vocab = model.putObject("vocab");
            for (String token : tokens) if (r.nextBoolean()) vocab.put(token, r.nextInt(60));
        }
        model.putObject("continuing").put("vocab", 999); // a nested "vocab" the reader must not take
        return root;
    }
}
