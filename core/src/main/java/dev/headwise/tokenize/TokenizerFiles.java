package dev.headwise.tokenize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.AtomicFiles;
import dev.headwise.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model directory's tokenizer files, read as HF's {@code AutoTokenizer} reads them ({@code tokenizer.json} or a
 * bare {@code vocab.txt}, with {@code tokenizer_config.json}) and written as its {@code save_pretrained} writes them.
 */
public final class TokenizerFiles {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    private static final JsonFactory STREAM = new JsonFactory();
    private static final Map<String, String> SPECIAL_TOKENS = Map.of("cls_token", "[CLS]", "sep_token", "[SEP]",
            "pad_token", "[PAD]", "unk_token", "[UNK]", "mask_token", "[MASK]");

    /** The tokenizer.json the directory's tokenizer runs, its normalizer as the config asks. */
    private final byte[] json;
    /** Names the file in error messages. */
    private final String source;
    private final TokenizerConfig config;

    private TokenizerFiles(byte[] json, String source, TokenizerConfig config) {
        this.json = json;
        this.source = source;
        this.config = config;
    }

    /** Reads the tokenizer of {@code dir}: its tokenizer.json, else the WordPiece tokenizer of its vocab.txt. */
    public static TokenizerFiles read(Path dir) {
        TokenizerConfig config = TokenizerConfig.read(dir);
        Path json = dir.resolve(TOKENIZER_JSON);
        if (Files.isRegularFile(json)) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(json);
            } catch (IOException e) {
                throw new HeadwiseException("Cannot read the tokenizer file " + json + ": " + e.getMessage() + ".", e);
            }
            BertNormalization wanted = config.normalization();
            if (wanted != null) {
                BertNormalization present = normalizerOf(bytes, json.toString());
                if (present != null && !present.equals(wanted)) bytes = rewrite(bytes, json.toString(), wanted, false);
            }
            return new TokenizerFiles(bytes, json.toString(), config);
        }
        Path vocab = dir.resolve("vocab.txt");
        if (Files.isRegularFile(vocab)) {
            return new TokenizerFiles(WordPieceJson.fromVocabFile(vocab, config.vocabNormalization()), vocab.toString(), config);
        }
        throw new HeadwiseException("The model directory " + dir + " has neither a tokenizer.json nor a vocab.txt.");
    }

    /** A tokenizer.json without a tokenizer_config.json. */
    public static TokenizerFiles of(byte[] json, String source) {
        return new TokenizerFiles(json.clone(), source, TokenizerConfig.NONE);
    }

    /** The tokenizer these files describe. */
    public TextTokenizer load() {
        return HfTokenizer.fromJson(json, source, config);
    }

    /** Writes the files of {@link #toSave(int)} into {@code dir}. */
    public void writeTo(Path dir, int maxLength) {
        toSave(maxLength).writeTo(dir);
    }

    /** Writes the files of {@link #toSave(int, Padding.Side)} into {@code dir}. */
    public void writeTo(Path dir, int maxLength, Padding.Side side) {
        toSave(maxLength, side).writeTo(dir);
    }

    /** The two files a model directory gets, ready to be written into as many directories as needed. */
    public static final class Saved {
        private final byte[] tokenizerJson;
        private final byte[] tokenizerConfig;

        private Saved(byte[] tokenizerJson, byte[] tokenizerConfig) {
            this.tokenizerJson = tokenizerJson;
            this.tokenizerConfig = tokenizerConfig;
        }

        public void writeTo(Path dir) {
            try {
                AtomicFiles.write(dir.resolve(TOKENIZER_JSON), tokenizerJson);
                AtomicFiles.write(dir.resolve(TokenizerConfig.FILE), tokenizerConfig);
            } catch (IOException e) {
                throw new HeadwiseException("cannot write the tokenizer files into " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code tokenizer.json} without padding or truncation settings (HF would apply them to every call), and
     * {@code tokenizer_config.json} with {@code model_max_length = maxLength}, the normalizer's settings, the
     * special tokens and the tokenizer class, keeping the source config's other fields.
     */
    public Saved toSave(int maxLength) {
        return toSave(maxLength, Padding.Side.RIGHT);
    }

    /**
     * As {@link #toSave(int)}, for a model padded on {@code side}: a model padded on the left (XLNet) gets
     * {@code padding_side: "left"}, so HF pads its batches as headwise does.
     */
    public Saved toSave(int maxLength, Padding.Side side) {
        BertNormalization n = normalizerOf(json, source);
        byte[] clean = rewrite(json, source, n, true);
        ObjectNode c = config.json();
        c.put("model_max_length", maxLength);
        if (side == Padding.Side.LEFT) c.put("padding_side", "left");
        if (n != null) {
            if (config.normalization() == null) c.put("tokenizer_class", "BertTokenizer");
            c.put("do_lower_case", n.lowercase());
            if (n.stripAccents() == null) c.putNull("strip_accents");
            else c.put("strip_accents", n.stripAccents());
            c.put("tokenize_chinese_chars", n.chineseChars());
        } else if (!c.has("tokenizer_class")) {
            c.put("tokenizer_class", "PreTrainedTokenizerFast");
        }
        JsonNode tree = tree(clean, source);
        SPECIAL_TOKENS.forEach((key, token) -> {
            if (!c.has(key) && hasToken(tree, token)) c.put(key, token);
        });
        try {
            return new Saved(clean, Json.INDENTED.writeValueAsBytes(c));
        } catch (IOException e) {
            throw new IllegalStateException("serializing an in-memory JSON tree cannot fail", e);
        }
    }

    private static boolean hasToken(JsonNode tree, String token) {
        if (tree.path("model").path("vocab").has(token)) return true;
        for (JsonNode t : tree.path("added_tokens")) if (token.equals(t.path("content").asText())) return true;
        return false;
    }

    /** The tokenizer.json with the normalizer set to {@code n} (when not null) and, if asked, padding and truncation off. */
    private static byte[] rewrite(byte[] json, String source, BertNormalization n, boolean clean) {
        ObjectNode root = (ObjectNode) tree(json, source);
        if (clean) root.putNull("truncation").putNull("padding");
        if (n != null && root.get("normalizer") instanceof ObjectNode normalizer) {
            normalizer.put("lowercase", n.lowercase()).put("handle_chinese_chars", n.chineseChars());
            if (n.stripAccents() == null) normalizer.putNull("strip_accents");
            else normalizer.put("strip_accents", n.stripAccents());
        }
        try {
            return Json.INDENTED.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("serializing an in-memory JSON tree cannot fail", e);
        }
    }

    private static JsonNode tree(byte[] json, String source) {
        try {
            if (Json.MAPPER.readTree(json) instanceof ObjectNode o) return o;
        } catch (IOException e) {
            // reported below
        }
        throw new HeadwiseException("The tokenizer file " + source + " is not a JSON object.");
    }

    /**
     * The settings of the file's {@code BertNormalizer}, or null when it has another normalizer. A streaming read
     * that stops at the normalizer, which HF writes before the large vocabulary.
     */
    static BertNormalization normalizerOf(byte[] json, String source) {
        try (JsonParser p = STREAM.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("normalizer") || value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                String type = null;
                boolean lowercase = true, chinese = true;
                Boolean strip = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken v = p.nextToken();
                    boolean isBool = v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE;
                    switch (key) {
                        case "type" -> type = p.getValueAsString();
                        case "lowercase" -> lowercase = !isBool || p.getBooleanValue();
                        case "handle_chinese_chars" -> chinese = !isBool || p.getBooleanValue();
                        case "strip_accents" -> strip = isBool ? p.getBooleanValue() : null;
                        default -> p.skipChildren();
                    }
                }
                return "BertNormalizer".equals(type) ? new BertNormalization(lowercase, strip, chinese) : null;
            }
            return null;
        } catch (IOException e) {
            throw new HeadwiseException("The tokenizer file " + source + " is not valid JSON: " + e.getMessage() + ".", e);
        }
    }
}
