package dev.headwise.spark;

import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** scripts/spark-java-options, which ./headwise spark and the build pass to Spark's JVMs, against Spark's own list. */
class SparkJavaOptionsTest {
    @Test
    void theFileHasSparksOptionsLessThoseThatOnlyWarnOnThisJava() throws IOException {
        List<String> file = Files.readAllLines(Path.of("scripts/spark-java-options")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        List<String> spark = Arrays.stream(JavaModuleOptions.defaultModuleOptionArray())
                .filter(o -> !o.equals("--add-modules=jdk.incubator.vector"))
                .filter(o -> !o.startsWith("--add-opens=java.base/") || Object.class.getModule().getPackages()
                        .contains(o.substring("--add-opens=java.base/".length(), o.lastIndexOf('='))))
                .toList();
        assertEquals(spark, file);
    }
}
