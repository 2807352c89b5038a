package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming reader against a plain reading of the whole JSON tree, on generated tokenizer files. */
class TokenizerJsonFactsTest {

    @Test
    void theBundledTokenizerHasBertsPadIdAndVocabulary() throws Exception {
        try (InputStream in = BundledModels.ALL_MINILM_L6_V2.openTokenizer()) {
            byte[] bytes = in.readAllBytes();
            var facts = TokenizerJsonFacts.read(bytes, "bundled");
            var tree = reference(Json.MAPPER.readTree(bytes));
            assertEquals(List.of(tree.padId(), tree.vocabSize()), List.of(facts.padId(), facts.vocabSize()));
            assertEquals(new TokenizerJsonFacts(0, 30522, SpecialTokens.BERT), facts);
        }
    }

    @Test
    void generatedFilesAgreeWithTheTreeReading() throws Exception {
        var random = new Random(7);
        for (int i = 0; i < 500; i++) {
            JsonNode root = generated(random);
            byte[] bytes = Json.MAPPER.writeValueAsBytes(root);
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

    /**
     * Post-processors as HF writes them, and the special tokens each puts before and after a text: BERT's, RoBERTa's,
     * XLNet's template (whose {@code <cls>} stands for two ids here), byte-level offsets only, and a sequence of two.
     */
    private static final Map<String, SpecialTokens> PROCESSORS = Map.of(
            "{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",102],\"cls\":[\"[CLS]\",101]}", SpecialTokens.BERT,
            "{\"type\":\"RobertaProcessing\",\"sep\":[\"</s>\",2],\"cls\":[\"<s>\",0],\"trim_offsets\":true}", SpecialTokens.BERT,
            "{\"type\":\"TemplateProcessing\",\"single\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                    + "{\"SpecialToken\":{\"id\":\"<sep>\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"<cls>\",\"type_id\":2}}],"
                    + "\"special_tokens\":{\"<sep>\":{\"id\":\"<sep>\",\"ids\":[4],\"tokens\":[\"<sep>\"]},"
                    + "\"<cls>\":{\"id\":\"<cls>\",\"ids\":[3,9],\"tokens\":[\"<cls>\",\"x\"]}}}", new SpecialTokens(0, 3),
            "{\"type\":\"ByteLevel\",\"trim_offsets\":true}", new SpecialTokens(0, 0),
            "{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\"},{\"type\":\"TemplateProcessing\","
                    + "\"single\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}]}]}",
            new SpecialTokens(1, 0));

    /** The facts read from the whole tree, as headwise did before streaming (and the post-processor's from the table). */
    private static TokenizerJsonFacts reference(JsonNode root) {
        JsonNode padding = root.path("padding");
        int size = 0;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isArray()) size = vocab.size();
        if (vocab.isObject()) for (JsonNode id : vocab) size = Math.max(size, id.asInt() + 1);
        for (JsonNode added : root.path("added_tokens")) size = Math.max(size, added.path("id").asInt() + 1);
        SpecialTokens specials = root.path("post_processor").isObject()
                ? PROCESSORS.get(root.get("post_processor").toString()) : new SpecialTokens(0, 0);
        if (padding.path("pad_id").isInt()) return new TokenizerJsonFacts(padding.path("pad_id").intValue(), size, specials);
        for (String token : List.of("[PAD]", "<pad>")) {
            if (vocab.path(token).isInt()) return new TokenizerJsonFacts(vocab.path(token).intValue(), size, specials);
            if (vocab.isArray()) {  // Unigram: the id is the position; a repeated token's last one counts, as in a map
                int id = -1;
                for (int i = 0; i < vocab.size(); i++) if (token.equals(vocab.get(i).path(0).asText())) id = i;
                if (id >= 0) return new TokenizerJsonFacts(id, size, specials);
            }
            for (JsonNode added : root.path("added_tokens")) {
                if (token.equals(added.path("content").asText()) && added.path("id").isInt()) {
                    return new TokenizerJsonFacts(added.path("id").intValue(), size, specials);
                }
            }
        }
        return new TokenizerJsonFacts(0, size, specials);
    }

    /** Integer ids only: the tree reading would count other values as 0, the stream skips them. */
    private static JsonNode generated(Random r) {
        List<String> tokens = List.of("[PAD]", "<pad>", "[UNK]", "a", "b", "##c", "[CLS]");
        ObjectNode root = Json.MAPPER.createObjectNode();
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
        int processor = r.nextInt(PROCESSORS.size() + 2);
        if (processor < PROCESSORS.size()) {
            try {
                root.set("post_processor", Json.MAPPER.readTree(PROCESSORS.keySet().stream().sorted().toList().get(processor)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else if (processor == PROCESSORS.size()) {
            root.putNull("post_processor");
        }
        return root;
    }
}
