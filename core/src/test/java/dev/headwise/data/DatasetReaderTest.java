package dev.headwise.data;

import dev.headwise.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void multiclassIntegerLabelsSortNumerically() throws IOException {
        Path csv = write("n.csv", "text,category\na,10\nb,2\nc,1\nd,2\n");
        LabeledDataset data = DatasetReader.readTraining(csv, DatasetSpec.of("text", new LabelScheme.ClassColumn(Task.MULTICLASS, "category")));
        assertEquals(List.of("1", "2", "10"), data.labelSpace().labels());
        assertArrayEquals(new int[] {2, 1, 0, 1}, data.classIds(0));
        assertEquals(4, data.line(2)); // header is line 1
    }

    @Test
    void multiclassStringLabelsSortLexicographically() throws IOException {
        Path csv = write("s.csv", "text,category\na,sport\nb,business\nc,tech\n");
        LabeledDataset data = DatasetReader.readTraining(csv, DatasetSpec.of("text", new LabelScheme.ClassColumn(Task.MULTICLASS, "category")));
        assertEquals(List.of("business", "sport", "tech"), data.labelSpace().labels());
    }

    @Test
    void binaryRecognisesThePositiveClass() {
        assertEquals(List.of("neg", "pos"), LabelSpace.binary(List.of("pos", "neg")).labels());
        assertEquals(List.of("no", "yes"), LabelSpace.binary(List.of("yes", "no")).labels());
        assertEquals(List.of("false", "true"), LabelSpace.binary(List.of("true", "false")).labels());
        assertEquals(List.of("0", "1"), LabelSpace.binary(List.of("1", "0")).labels());
        // "1" is recognisably positive even though it sorts after "-1" only numerically
        assertEquals(List.of("-1", "1"), LabelSpace.binary(List.of("1", "-1")).labels());
        assertEquals(List.of("ham", "spam"), LabelSpace.binary(List.of("spam", "ham")).labels());
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> LabelSpace.binary(List.of("a", "b", "c")));
        assertEquals("A binary task needs exactly two classes but the data has 3: a, b, c.", e.getMessage());
    }

    @Test
    void multiLabelFlagColumnsByGlobJoiningTextColumns() throws IOException {
        Path csv = write("mail.csv", "subject,body,label_work,other,label_spam\nHi,There,1,x,false\nBuy,Now,0,y,true\n");
        var spec = new DatasetSpec(List.of("subject", "body"), " | ", new LabelScheme.FlagColumns(List.of("label_*")),
                EmptyTextPolicy.ERROR, null);
        LabeledDataset data = DatasetReader.readTraining(csv, spec);
        assertEquals(List.of("label_work", "label_spam"), data.labelSpace().labels());
        assertEquals("Hi | There", data.text(0));
        float[] hot = new float[4];
        data.copyMultiHot(0, hot, 0);
        data.copyMultiHot(1, hot, 2);
        assertArrayEquals(new float[] {1, 0, 0, 1}, hot);
    }

    @Test
    void multiLabelFlagRejectsNonBoolean() throws IOException {
        Path csv = write("bad.csv", "text,a\nx,maybe\n");
        var spec = DatasetSpec.of("text", new LabelScheme.FlagColumns(List.of("a")));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> DatasetReader.readTraining(csv, spec));
        assertTrue(e.getMessage().contains("Line 2 of bad.csv holds 'maybe'"), e.getMessage());
    }

    @Test
    void multiLabelListColumnWithSeparatorOrJsonArray() throws IOException {
        Path csv = write("toxic.csv", "text,labels\na,insult|toxic\nb,\"[\"\"obscene\"\"]\"\nc,\n");
        LabeledDataset data = DatasetReader.readTraining(csv, DatasetSpec.of("text", new LabelScheme.ListColumn("labels", "|")));
        assertEquals(List.of("insult", "obscene", "toxic"), data.labelSpace().labels());
        assertTrue(data.hasLabel(0, 0) && data.hasLabel(0, 2) && !data.hasLabel(0, 1));
        assertTrue(data.hasLabel(1, 1));
        assertFalse(data.hasLabel(2, 0) || data.hasLabel(2, 1) || data.hasLabel(2, 2));
    }

    @Test
    void hierarchicalPathPadsShortPathsWithNone() throws IOException {
        Path csv = write("ng.csv", "text,group\na,comp.sys.mac.hardware\nb,comp.graphics\nc,alt.atheism\nd,comp.sys.ibm.pc.hardware\n");
        var scheme = new LabelScheme.PathColumn("group", ".", 3, null);
        LabeledDataset data = DatasetReader.readTraining(csv, DatasetSpec.of("text", scheme));
        LabelSpace space = data.labelSpace();
        assertEquals(List.of("level1", "level2", "level3"), space.levels().stream().map(LabelSpace.Level::name).toList());
        assertEquals(List.of("alt", "comp"), space.levels().get(0).labels());
        assertEquals(List.of("atheism", "graphics", "sys"), space.levels().get(1).labels());
        assertEquals(List.of("ibm.pc.hardware", "mac.hardware", "none"), space.levels().get(2).labels());
        assertEquals(2, data.classId(1, 2)); // comp.graphics -> none at level 3
        int[][][] hierarchy = space.hierarchy();
        assertArrayEquals(new int[] {1, 2}, hierarchy[0][1]); // comp -> graphics, sys
        assertArrayEquals(new int[] {0, 1}, hierarchy[1][2]); // sys -> ibm.pc.hardware, mac.hardware
    }

    @Test
    void hierarchicalLevelColumnsUseColumnNames() throws IOException {
        Path csv = write("lv.csv", "text,top,sub\na,sci,space\nb,rec,\n");
        LabeledDataset data = DatasetReader.readTraining(csv, DatasetSpec.of("text", new LabelScheme.LevelColumns(List.of("top", "sub"))));
        assertEquals("top", data.labelSpace().levels().get(0).name());
        assertEquals(List.of("none", "space"), data.labelSpace().levels().get(1).labels());
    }

    @Test
    void evaluationCountsUnknownLabelsInsteadOfFailing() throws IOException {
        var spec = DatasetSpec.of("text", new LabelScheme.ClassColumn(Task.MULTICLASS, "y"));
        LabelSpace trained = DatasetReader.readTraining(write("train.csv", "text,y\na,x\nb,z\n"), spec).labelSpace();
        LabeledDataset eval = DatasetReader.read(write("eval.csv", "text,y\nc,x\nd,new\ne,new\n"), spec, trained);
        assertEquals(1, eval.size());
        assertEquals(Map.of("new", 2), eval.unknownLabels());
        assertEquals(2, eval.unknownLabelRows());
    }

    @Test
    void emptyTextIsAnErrorOrSkippedAndCounted() throws IOException {
        Path csv = write("empty.csv", "text,y\na,1\n  ,2\nb,2\n");
        var scheme = new LabelScheme.ClassColumn(Task.BINARY, "y");
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> DatasetReader.readTraining(csv, DatasetSpec.of("text", scheme)));
        assertEquals("Line 3 of empty.csv has an empty text; fill it in, or pass --skip-empty to leave out such rows"
                + " (they are counted).", e.getMessage());
        var skip = new DatasetSpec(List.of("text"), "\n", scheme, EmptyTextPolicy.SKIP, null);
        LabeledDataset data = DatasetReader.readTraining(csv, skip);
        assertEquals(2, data.size());
        assertEquals(1, data.skippedEmptyTexts());
    }

    @Test
    void missingTextColumnListsAvailableColumns() throws IOException {
        Path csv = write("m.csv", "body,y\na,1\n");
        var spec = DatasetSpec.of("text", new LabelScheme.ClassColumn(Task.MULTICLASS, "y"));
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> DatasetReader.readTraining(csv, spec));
        assertTrue(e.getMessage().contains("available columns are body, y"), e.getMessage());
    }

    @Test
    void labelSpacesRoundTripThroughJsonConfig() throws Exception {
        var json = Json.MAPPER;
        List<LabelSpace> spaces = List.of(
                LabelSpace.multiclass(List.of("b", "a")),
                LabelSpace.binary(List.of("neg", "pos")),
                LabelSpace.multiLabel(List.of("toxic", "insult")),
                LabelSpace.hierarchical(List.of("top", "sub"), List.of(List.of("comp", "graphics"), List.of("alt", "none"))));
        for (LabelSpace space : spaces) {
            String text = json.writeValueAsString(space.toConfig());
            Map<String, Object> parsed = json.readValue(text, new TypeReference<>() {});
            assertEquals(space, LabelSpace.fromConfig(parsed), text);
        }
        Map<String, Object> flat = spaces.getFirst().toConfig();
        assertEquals(Map.of("0", "a", "1", "b"), flat.get("id2label"));
        assertEquals(Map.of("a", 0, "b", 1), flat.get("label2id"));
    }

    @Test
    void brokenLabelConfigIsAClearError() {
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> LabelSpace.fromConfig(Map.of("task", "multiclass")));
        assertEquals("The label config lacks the key 'id2label'.", e.getMessage());
    }
}
