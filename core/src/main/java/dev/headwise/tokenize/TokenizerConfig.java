package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What a model directory's {@code tokenizer_config.json} says that changes the token ids or the input length.
 * HF's {@code BertTokenizer} builds its normalizer from these fields (defaults: lowercase, accents follow it,
 * CJK characters split), overriding the one in {@code tokenizer.json}; headwise does the same.
 *
 * @param json           the file's content (empty when there is none); never mutated
 * @param normalization  the BERT normalizer it asks for, or null when it names no BERT tokenizer class
 * @param modelMaxLength {@code model_max_length}, or 0 when absent or HF's "no limit" placeholder
 * @param tokenTypes     whether the tokenizer hands the model token type ids: as HF decides, when
 *                       {@code model_input_names} lists {@code token_type_ids}, or without that field for
 *                       {@code BertTokenizer}, the one tokenizer class of these models whose default lists them
 *                       (RoBERTa's, XLNet's and DistilBERT's do not, so HF runs XLNet without segment ids)
 */
record TokenizerConfig(ObjectNode json, BertNormalization normalization, int modelMaxLength, boolean tokenTypes) {
    static final String FILE = "tokenizer_config.json";
    private static final Pattern BERT_CLASS = Pattern.compile("(Distil)?BertTokenizer(Fast)?");
    private static final Pattern TYPED_CLASS = Pattern.compile("BertTokenizer(Fast)?");
    /** HF writes 1e30 for "no limit"; no encoder has positions for more than this. */
    private static final long NO_LIMIT = 1L << 31;
    private static final long MAX_BYTES = 1 << 20;

    /** A directory without tokenizer_config.json. */
    static final TokenizerConfig NONE = new TokenizerConfig(Json.MAPPER.createObjectNode(), null, 0, false);

    TokenizerConfig {
        json = json.deepCopy();
    }

    @Override
    public ObjectNode json() {
        return json.deepCopy();
    }

    /** Reads {@code dir/tokenizer_config.json}; a directory without one gets HF's defaults for a BERT vocabulary. */
    static TokenizerConfig read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return NONE;
        try {
            if (Files.size(file) > MAX_BYTES) throw new HeadwiseException(file + " is larger than 1 MB; not a tokenizer config.");
            if (!(Json.MAPPER.readTree(file.toFile()) instanceof ObjectNode o)) throw new HeadwiseException(file + " is not a JSON object.");
            return parse(o, file.toString());
        } catch (IOException e) {
            throw new HeadwiseException(file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse("") + ".", e);
        }
    }

    static TokenizerConfig parse(ObjectNode o, String source) {
        JsonNode cls = o.get("tokenizer_class");
        BertNormalization n = null;
        if (cls != null && cls.isTextual() && BERT_CLASS.matcher(cls.textValue()).matches()) {
            n = new BertNormalization(bool(o, "do_lower_case", true, source), optionalBool(o, "strip_accents", source),
                    bool(o, "tokenize_chinese_chars", true, source));
        }
        JsonNode max = o.get("model_max_length");
        int maxLength = 0;
        if (max != null && !max.isNull()) {
            if (!max.isNumber() || !(max.doubleValue() >= 1)) {
                throw new HeadwiseException(source + ": 'model_max_length' must be a positive number, got " + max + ".");
            }
            maxLength = max.doubleValue() >= NO_LIMIT ? 0 : max.intValue();
        }
        JsonNode inputs = o.get("model_input_names");
        boolean types;
        if (inputs != null && !inputs.isNull()) {
            if (!inputs.isArray()) throw new HeadwiseException(source + ": 'model_input_names' must be a list, got " + inputs + ".");
            types = inputs.valueStream().anyMatch(v -> "token_type_ids".equals(v.asText()));
        } else {
            types = cls != null && cls.isTextual() && TYPED_CLASS.matcher(cls.textValue()).matches();
        }
        return new TokenizerConfig(o, n, maxLength, types);
    }

    /** The normalizer for a bare {@code vocab.txt}: this file's, else {@code BertTokenizer}'s defaults. */
    BertNormalization vocabNormalization() {
        if (normalization != null) return normalization;
        return new BertNormalization(bool(json, "do_lower_case", true, FILE), optionalBool(json, "strip_accents", FILE),
                bool(json, "tokenize_chinese_chars", true, FILE));
    }

    private static boolean bool(JsonNode o, String field, boolean dflt, String source) {
        Boolean b = optionalBool(o, field, source);
        return b == null ? dflt : b;
    }

    private static Boolean optionalBool(JsonNode o, String field, String source) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw new HeadwiseException(source + ": '" + field + "' must be true, false or null, got " + v + ".");
        return v.booleanValue();
    }
}
