package dev.headwise.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import dev.headwise.weights.onnx.BundledModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled all-MiniLM-L6-v2 tokenizer.json (bert-base-uncased vocabulary). */
class HfTokenizerTest {
    private static TextTokenizer tokenizer;
    private static JsonNode vocab;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizers.load(BundledModels.ALL_MINILM_L6_V2);
        try (InputStream in = BundledModels.ALL_MINILM_L6_V2.openTokenizer()) {
            vocab = Json.MAPPER.readTree(in).path("model").path("vocab");
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodesASentenceToTheVocabularyIds() {
        Encoding e = tokenizer.encode("Hello world", 128);
        assertArrayEquals(ids("[CLS]", "hello", "world", "[SEP]"), e.ids());
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, e.ids());
        assertArrayEquals(new int[4], e.typeIds());
        assertEquals("hello world", tokenizer.decode(e.ids()));
    }

    @Test
    void truncationKeepsTheFinalSep() {
        String text = "one two three four five six seven eight nine ten";
        int[] full = tokenizer.encode(text, 512).ids();
        int[] cut = tokenizer.encode(text, 5).ids();
        assertEquals(12, full.length);
        assertArrayEquals(new int[] {full[0], full[1], full[2], full[3], id("[SEP]")}, cut);
        assertArrayEquals(ids("[CLS]", "[SEP]"), tokenizer.encode(text, 2).ids());
        assertThrows(HeadwiseException.class, () -> tokenizer.encode(text, 1));
        int[] headTail = tokenizer.encode(text, new Truncation(6, 2)).ids();
        assertArrayEquals(new int[] {full[0], full[1], full[2], full[9], full[10], id("[SEP]")}, headTail);
        assertEquals(List.of(tokenizer.encode(text, new Truncation(6, 2))),
                tokenizer.encodeBatch(List.of(text), new Truncation(6, 2)));
    }

    @Test
    void handlesEmptyUnicodeAndEmoji() {
        assertArrayEquals(ids("[CLS]", "[SEP]"), tokenizer.encode("", 16).ids());
        // lowercased, accents stripped, CJK split per character, unknown emoji -> [UNK]
        assertArrayEquals(ids("[CLS]", "cafe", "東", "京", "[UNK]", "[SEP]"), tokenizer.encode("CAFÉ 東京 🦜", 16).ids());
    }

    @Test
    void batchEncodingEqualsSingleEncoding() {
        List<String> texts = List.of("first text", "", "a somewhat longer second text with more words", "ünïcödé");
        List<Encoding> batch = tokenizer.encodeBatch(texts, 6);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(tokenizer.encode(texts.get(i), 6), batch.get(i));
        }
        assertEquals(6, batch.get(2).length());
    }

    @Test
    void reportsPadIdAndVocabularySize() {
        assertEquals(id("[PAD]"), tokenizer.padId());
        assertEquals(30522, tokenizer.vocabSize());
    }

    @Test
    void concurrentEncodingGivesTheSameResults() throws Exception {
        List<String> texts = IntStream.range(0, 200).mapToObj(i -> "sentence number " + i + " about héllo wörld " + "x".repeat(i % 7)).toList();
        List<Encoding> expected = texts.stream().map(t -> tokenizer.encode(t, 32)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Encoding>>> futures = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                futures.add(pool.submit(() -> texts.stream().map(t -> tokenizer.encode(t, 32)).toList()));
            }
            for (Future<List<Encoding>> f : futures) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void closedTokenizerRefusesWork() {
        TextTokenizer own = Tokenizers.load(BundledModels.ALL_MINILM_L6_V2);
        own.close();
        own.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> own.encode("x", 8));
    }

    @Test
    void malformedOrMissingFilesFailClearly(@TempDir Path dir) throws IOException {
        HeadwiseException none = assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));
        assertTrue(none.getMessage().contains("neither"), none.getMessage());

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\"");
        HeadwiseException truncated = assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));
        assertTrue(truncated.getMessage().contains("tokenizer.json"), truncated.getMessage());

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"NoSuchModel\"}}");
        assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));

        Files.writeString(dir.resolve("tokenizer.json"), "[1, 2]");
        assertThrows(HeadwiseException.class, () -> Tokenizers.load(dir));
    }

    private static int id(String token) {
        assertTrue(vocab.has(token), token);
        return vocab.get(token).intValue();
    }

    private static int[] ids(String... tokens) {
        int[] out = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = id(tokens[i]);
        }
        return out;
    }
}
