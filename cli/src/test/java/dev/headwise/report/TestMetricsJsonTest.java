package dev.headwise.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestMetricsJsonTest {
    @Test
    void addsPerClassRecallUnderEachLevel() {
        ObjectNode json = TestMetricsJson.of(RunReportTest.metrics());
        // level1 predictions ham, spam, spam, spam for gold ham, ham, spam, spam
        assertEquals(0.75, json.path("level1").path("accuracy").asDouble(), 1e-12);
        assertEquals(0.5, json.path("level1").path("recall").path("ham").asDouble(), 1e-12);
        assertEquals(1.0, json.path("level1").path("recall").path("spam").asDouble(), 1e-12);
        // level2: the hard_ham email is predicted spam
        assertEquals(1.0, json.path("level2").path("recall").path("easy_ham").asDouble(), 1e-12);
        assertEquals(0.0, json.path("level2").path("recall").path("hard_ham").asDouble(), 1e-12);
        double f1Ham = 2.0 / 3, f1Spam = 0.8;
        assertEquals((f1Ham + f1Spam) / 2, json.path("level1").path("macro_f1").asDouble(), 1e-12);
        assertEquals(0.75, json.path("path_accuracy").asDouble(), 1e-12);
        assertEquals(3, json.path("level2").path("per_class").size(), "the full metrics stay");
    }
}
