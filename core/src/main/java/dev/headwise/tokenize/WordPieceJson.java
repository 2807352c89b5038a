package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code tokenizer.json} HF's {@code BertTokenizerFast} would derive from a BERT {@code vocab.txt}
 * (BertNormalizer, BertPreTokenizer, WordPiece with {@code ##} continuation, {@code [CLS] $A [SEP]}), so a
 * vocab-only model directory runs on the same tokenizer implementation as a tokenizer.json.
 */
final class WordPieceJson {
    private static final List<String> SPECIAL_TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private WordPieceJson() {
    }

    static byte[] fromVocabFile(Path vocabTxt, BertNormalization normalization) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(vocabTxt))).toString();
        } catch (CharacterCodingException e) {
            throw new HeadwiseException("The vocabulary file " + vocabTxt + " is not valid UTF-8.", e);
        } catch (IOException e) {
            throw new HeadwiseException("Cannot read the vocabulary file " + vocabTxt + ": " + e.getMessage() + ".", e);
        }
        return fromVocab(text, normalization, vocabTxt.toString());
    }

    /** One token per line, its id the line number; like the Rust reader, trailing whitespace is dropped and a later duplicate wins. */
    static byte[] fromVocab(String vocabText, BertNormalization normalization, String source) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        String[] lines = vocabText.split("\n", -1);
        int count = vocabText.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            vocab.put(lines[i].stripTrailing(), i);
        }
        for (String required : List.of("[UNK]", "[CLS]", "[SEP]")) {
            if (!vocab.containsKey(required)) {
                throw new HeadwiseException("The vocabulary file " + source + " has no " + required
                        + " token, which a BERT WordPiece tokenizer needs.");
            }
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String token : SPECIAL_TOKENS) {
            if (vocab.containsKey(token)) {
                added.addObject().put("id", vocab.get(token)).put("content", token).put("single_word", false)
                        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", normalization.chineseChars()).put("lowercase", normalization.lowercase());
        ObjectNode normalizer = (ObjectNode) root.get("normalizer");
        if (normalization.stripAccents() == null) normalizer.putNull("strip_accents");
        else normalizer.put("strip_accents", normalization.stripAccents());
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : List.of("[CLS]", "[SEP]")) {
            ObjectNode s = specials.putObject(token).put("id", token);
            s.putArray("ids").add(vocab.get(token));
            s.putArray("tokens").add(token);
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model").put("type", "WordPiece").put("unk_token", "[UNK]")
                .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("serializing an in-memory JSON tree cannot fail", e);
        }
    }

    private static void special(ArrayNode template, String token, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }
}
