package dev.headwise.tokenize;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts headwise needs from a {@code tokenizer.json} besides what the Rust tokenizer does with it: the
 * padding id, the vocabulary size and where the post-processor puts its special tokens. Read in one streaming
 * pass: a tree of a BERT vocabulary's 30,000 entries took several hundred milliseconds of a cold start.
 *
 * @param padId {@code padding.pad_id}, else the id of {@code [PAD]} or {@code <pad>} (in the model vocab or
 *     the added tokens); else 0, harmless since padded positions are masked
 * @param vocabSize largest id + 1 over the model vocab (a token-to-id object, or a Unigram list) and the
 *     added tokens
 * @param specialTokens the special tokens {@code post_processor} adds before and after a single text
 */
record TokenizerJsonFacts(int padId, int vocabSize, SpecialTokens specialTokens) {
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES).disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();
    private static final List<String> PAD_TOKENS = List.of("[PAD]", "<pad>");
    /** Reads the small post_processor object as a tree. */

    /** @param source names the file in error messages */
    static TokenizerJsonFacts read(byte[] json, String source) {
        try (JsonParser p = JSON.createParser(json)) {
            return read(p, source);
        } catch (IOException e) {
            throw new HeadwiseException("The tokenizer file " + source + " is not valid JSON: "
                    + (e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage()) + ".", e);
        }
    }

    private static TokenizerJsonFacts read(JsonParser p, String source) throws IOException {
        Integer paddingId = null;
        boolean hasModel = false;
        int size = 0;
        var vocabPads = new HashMap<String, Integer>();
        var addedPads = new HashMap<String, Integer>();
        SpecialTokens specials = new SpecialTokens(0, 0);
        if (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("padding") && value == JsonToken.START_OBJECT) {
                    paddingId = padIdOf(p);
                } else if (field.equals("added_tokens") && value == JsonToken.START_ARRAY) {
                    size = Math.max(size, addedTokens(p, addedPads));
                } else if (field.equals("post_processor") && value == JsonToken.START_OBJECT) {
                    specials = specialTokens(Json.MAPPER.readTree(p), source);
                } else if (field.equals("model") && value == JsonToken.START_OBJECT) {
                    hasModel = true;
                    size = Math.max(size, model(p, vocabPads));
                } else {
                    p.skipChildren();
                }
            }
        }
        if (!hasModel) {
            throw new HeadwiseException("The tokenizer file " + source + " has no \"model\" object, so it is not a HF tokenizer.json.");
        }
        return new TokenizerJsonFacts(paddingId != null ? paddingId : padFromTokens(vocabPads, addedPads), size, specials);
    }

    /**
     * The special tokens a post-processor adds around a single text: one on each side for BertProcessing and
     * RobertaProcessing, a template's special tokens before and after its {@code $A}, none for ByteLevel, the
     * sum over a Sequence's processors.
     */
    private static SpecialTokens specialTokens(JsonNode processor, String source) {
        String type = processor.path("type").asText("");
        switch (type) {
            case "BertProcessing", "RobertaProcessing" -> {
                return SpecialTokens.BERT;
            }
            case "ByteLevel" -> {
                return new SpecialTokens(0, 0);
            }
            case "Sequence" -> {
                int leading = 0, trailing = 0;
                for (JsonNode p : processor.path("processors")) {
                    SpecialTokens s = specialTokens(p, source);
                    leading += s.leading();
                    trailing += s.trailing();
                }
                return new SpecialTokens(leading, trailing);
            }
            case "TemplateProcessing" -> {
                int leading = 0, trailing = 0;
                boolean seenText = false;
                for (JsonNode piece : processor.path("single")) {
                    if (piece.has("Sequence")) {
                        seenText = true;
                        continue;
                    }
                    // A template token may stand for several ids (special_tokens[name].ids).
                    String name = piece.path("SpecialToken").path("id").asText();
                    JsonNode ids = processor.path("special_tokens").path(name).path("ids");
                    int n = ids.isArray() ? ids.size() : 1;
                    if (seenText) trailing += n;
                    else leading += n;
                }
                if (!seenText) {
                    throw new HeadwiseException("The tokenizer file " + source + " has a post-processor template without the text ($A).");
                }
                return new SpecialTokens(leading, trailing);
            }
            default -> {
                return SpecialTokens.BERT;  // what headwise assumed before it read post-processors
            }
        }
    }

    private static int padFromTokens(Map<String, Integer> vocab, Map<String, Integer> added) {
        for (String token : PAD_TOKENS) {
            if (vocab.containsKey(token)) return vocab.get(token);
            if (added.containsKey(token)) return added.get(token);
        }
        return 0;
    }

    /** Inside {@code padding}: its {@code pad_id} if an integer. */
    private static Integer padIdOf(JsonParser p) throws IOException {
        Integer id = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("pad_id") && value == JsonToken.VALUE_NUMBER_INT) id = p.getIntValue();
            else p.skipChildren();
        }
        return id;
    }

    /** Inside {@code model}: the vocab's size, noting pad tokens' ids. */
    private static int model(JsonParser p, Map<String, Integer> pads) throws IOException {
        int size = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("vocab") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String token = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                        size = Math.max(size, p.getIntValue() + 1);
                        if (PAD_TOKENS.contains(token)) pads.put(token, p.getIntValue());
                    } else {
                        p.skipChildren();
                    }
                }
            } else if (field.equals("vocab") && value == JsonToken.START_ARRAY) {
                // Unigram: [token, score] pairs, the id being the position.
                for (JsonToken entry = p.nextToken(); entry != JsonToken.END_ARRAY; entry = p.nextToken()) {
                    if (entry == JsonToken.START_ARRAY) {
                        JsonToken first = p.nextToken();
                        if (first == JsonToken.VALUE_STRING && PAD_TOKENS.contains(p.getText())) pads.put(p.getText(), size);
                        if (first != JsonToken.END_ARRAY) {
                            p.skipChildren();
                            while (p.nextToken() != JsonToken.END_ARRAY) p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                    size++;
                }
            } else {
                p.skipChildren();
            }
        }
        return size;
    }

    /** Inside {@code added_tokens}: largest id + 1, noting pad tokens' ids. */
    private static int addedTokens(JsonParser p, Map<String, Integer> pads) throws IOException {
        int size = 0;
        for (JsonToken element = p.nextToken(); element != JsonToken.END_ARRAY; element = p.nextToken()) {
            if (element != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String content = null;
            Integer id = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("content") && value == JsonToken.VALUE_STRING) content = p.getText();
                else if (field.equals("id") && value == JsonToken.VALUE_NUMBER_INT) id = p.getIntValue();
                else p.skipChildren();
            }
            if (id != null) {
                size = Math.max(size, id + 1);
                // The first entry counts, the JSON tree's reading; in the vocab object a repeated key's last value does.
                if (content != null && PAD_TOKENS.contains(content)) pads.putIfAbsent(content, id);
            }
        }
        return size;
    }
}
