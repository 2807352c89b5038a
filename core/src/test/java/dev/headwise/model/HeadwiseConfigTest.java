package dev.headwise.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.Task;
import dev.headwise.data.ColumnSpec;
import dev.headwise.data.LabelSpace;
import dev.headwise.io.Json;
import dev.headwise.metrics.Thresholds;
import dev.headwise.tokenize.Truncation;
import dev.headwise.tokenize.Windows;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json's headwise block: read and written by {@link ConfigJson} alone, typed as {@link HeadwiseConfig}. */
class HeadwiseConfigTest {
    private static final Heads HIERARCHICAL = TinyModels.heads(Task.HIERARCHICAL);

    /** Through text, as a save and a later load go. */
    private static ClassifierConfig reread(ClassifierConfig config) throws IOException {
        var text = Json.INDENTED.writeValueAsString(ConfigJson.toJson(config));
        return ConfigJson.parse((ObjectNode) Json.NO_DUPLICATES.readTree(text), "the saved config");
    }

    private static List<String> keys(ObjectNode o) {
        return o.properties().stream().map(java.util.Map.Entry::getKey).toList();
    }

    private static ObjectNode block(ClassifierConfig config) {
        return (ObjectNode) ConfigJson.toJson(config).get("headwise");
    }

    @Test
    void everyKeyIsWrittenAndReadBack() throws IOException {
        var space = LabelSpace.hierarchical(List.of("level1", "level2"),
                List.of(List.of("p", "p1"), List.of("p", "p2"), List.of("q", "q1")));
        var unknown = Json.MAPPER.createObjectNode();
        unknown.putObject("from_a_newer_version").put("n", 3);
        var saved = new HeadwiseConfig(new Truncation(64, 16), new Windows(8, Windows.Pooling.MAX, 4),
                new Thresholds(0.4, new double[] {0.3, 0.6}), false, space,
                new ColumnSpec(List.of("subject", "body"), "\n", Task.HIERARCHICAL, null, List.of("l1", "l2"), null, "/", 2),
                "level0", unknown);
        var config = new ClassifierConfig(TinyModels.bert(), HIERARCHICAL, null, saved);
        HeadwiseConfig back = reread(config).headwise();
        assertEquals(saved.truncation(), back.truncation());
        assertEquals(saved.windows(), back.windows());
        assertEquals(0.4, back.thresholds().global());
        assertArrayEquals(new double[] {0.3, 0.6}, back.thresholds().perLabel());
        assertEquals(false, back.consistentDecoding());
        assertFalse(back.followsHierarchy());
        assertEquals(space, back.labelSpace());
        assertEquals(saved.data(), back.data());
        assertEquals("level0", back.exportedLevel());
        assertEquals(unknown, back.unknown(), "keys of a newer version survive a load and a save");
        assertEquals(ConfigJson.toJson(config), ConfigJson.toJson(reread(config)), "a save of a load changes nothing");
    }

    /** The keys docs/hf-interop.md documents, under their names there; what is not recorded is not written. */
    @Test
    void theFileFormatIsTheDocumentedOne() {
        var bare = block(new ClassifierConfig(TinyModels.bert(), TinyModels.heads(Task.MULTICLASS)));
        assertEquals(List.of("task", "levels"), keys(bare));
        var saved = new HeadwiseConfig(new Truncation(32, 8), new Windows(4, Windows.Pooling.MEAN, Integer.MAX_VALUE),
                new Thresholds(0.5, null), true, null, null, null, null);
        var hw = block(new ClassifierConfig(TinyModels.bert(), TinyModels.heads(Task.BINARY), null, saved));
        assertEquals(32, hw.get("max_length").intValue());
        assertEquals(8, hw.get("tail_tokens").intValue());
        assertEquals("{\"overlap\":4,\"pooling\":\"mean\"}", hw.get("windows").toString(), "all windows: no max_windows");
        assertEquals("{\"global\":0.5}", hw.get("thresholds").toString());
        assertTrue(hw.get("consistent_decoding").booleanValue());
        assertEquals("softmax_pair", hw.get("binary_logits").textValue());
    }

    @Test
    void olderAndForeignBlocksLoad() throws IOException {
        var json = ConfigJson.toJson(new ClassifierConfig(TinyModels.bert(), HIERARCHICAL));
        ((ObjectNode) json.get("headwise")).put("max_length", 64); // trained before head+tail existed
        var old = ConfigJson.parse(json, "old").headwise();
        assertEquals(Truncation.head(64), old.truncation());
        assertNull(old.windows());

        ClassifierConfig foreign;
        try (InputStream in = getClass().getResourceAsStream("/dev/headwise/fuzz/ConfigJsonFuzzTestInputs/config/"
                + "bert-hierarchical-headwise.json")) {
            foreign = ConfigJson.parse((ObjectNode) Json.MAPPER.readTree(in), "fixture");
        }
        assertEquals(List.of("text_columns", "hierarchy"), keys(foreign.headwise().unknown()));
        assertEquals(foreign.headwise().unknown(), reread(foreign).headwise().unknown());
    }

    @Test
    void aMistypedKeyIsOneClearError() {
        for (String bad : List.of("\"max_length\":\"long\"", "\"tail_tokens\":4", "\"windows\":[1]",
                "\"thresholds\":{\"per_label\":[0.5]}", "\"consistent_decoding\":\"yes\"", "\"data\":{\"text_columns\":[1]}",
                "\"windows\":{\"overlap\":40},\"max_length\":16")) {
            var json = ConfigJson.toJson(new ClassifierConfig(TinyModels.bert(), HIERARCHICAL));
            ObjectNode hw;
            try {
                hw = (ObjectNode) Json.MAPPER.readTree("{" + bad + "}");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            ((ObjectNode) json.get("headwise")).setAll(hw);
            var e = assertThrows(HeadwiseException.class, () -> ConfigJson.parse(json, "model/config.json"), bad);
            assertTrue(e.getMessage().startsWith("model/config.json: "), e.getMessage());
        }
    }

    /** One default for every command: the model's limit, at most {@link HeadwiseConfig#DEFAULT_MAX_LENGTH}. */
    @Test
    void aModelWithoutTruncationIsCutAtItsLimitUpToTheDefault() {
        assertEquals(Truncation.head(32), HeadwiseConfig.NONE.truncation(32));
        assertEquals(Truncation.head(HeadwiseConfig.DEFAULT_MAX_LENGTH), HeadwiseConfig.NONE.truncation(4096));
        assertEquals(Truncation.head(HeadwiseConfig.DEFAULT_MAX_LENGTH), HeadwiseConfig.NONE.truncation(Integer.MAX_VALUE));
        var saved = new HeadwiseConfig(new Truncation(48, 8), null, null, null, null, null, null, null);
        assertEquals(new Truncation(48, 8), saved.truncation(32), "what training recorded wins");
    }

    @Test
    void anExportedLevelKeepsTheReadingAndDropsTheHierarchy() {
        var space = LabelSpace.hierarchical(List.of("level1", "level2"), List.of(List.of("p", "p1"), List.of("q", "q1")));
        var saved = new HeadwiseConfig(new Truncation(48, 8), new Windows(2, Windows.Pooling.MAX, 3), null, true, space,
                new ColumnSpec(List.of("text"), "\n", Task.HIERARCHICAL, "path", null, null, ".", 2), null, null);
        var level = saved.exported("level2");
        assertEquals(saved.truncation(), level.truncation());
        assertEquals(saved.windows(), level.windows());
        assertNull(level.labelSpace());
        assertNull(level.data());
        assertNull(level.consistentDecoding());
        assertEquals("level2", level.exportedLevel());
    }
}
