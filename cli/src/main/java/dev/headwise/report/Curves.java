package dev.headwise.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training curves from {@code metrics.jsonl} as one PNG: training loss on the left, eval metrics on the right
 * with the eval loss on an axis of its own.
 */
public final class Curves {

    private Curves() {}

    public static void write(Path metricsJsonl, Path png) {
        System.setProperty("java.awt.headless", "true");
        var trainSteps = new ArrayList<Double>();
        var trainLoss = new ArrayList<Double>();
        Map<String, List<double[]>> eval = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                JsonNode r = Json.MAPPER.readTree(line);
                double step = r.path("step").asDouble();
                if (r.path("type").asText().equals("train")) {
                    trainSteps.add(step);
                    trainLoss.add(r.path("loss").asDouble());
                } else {
                    r.properties().forEach(e -> {
                        if (e.getValue().isNumber() && !List.of("step", "epoch").contains(e.getKey())) {
                            eval.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new double[]{step, e.getValue().asDouble()});
                        }
                    });
                }
            }
            if (trainSteps.isEmpty()) return;
            XYChart loss = new XYChartBuilder().width(640).height(420).title("training loss").xAxisTitle("step").build();
            loss.addSeries("loss", trainSteps, trainLoss).setMarker(SeriesMarkers.NONE);
            XYChart metrics = new XYChartBuilder().width(640).height(420).title("evaluation").xAxisTitle("step").build();
            eval.forEach((name, points) -> {
                var series = metrics.addSeries(name, points.stream().map(p -> p[0]).toList(),
                        points.stream().map(p -> p[1]).toList());
                // The loss is unbounded, the scores lie in [0, 1]: on one axis the loss would flatten them.
                if (name.equals("eval_loss")) series.setYAxisGroup(1);
            });
            if (eval.containsKey("eval_loss")) {
                metrics.setYAxisGroupTitle(0, "score");
                metrics.setYAxisGroupTitle(1, "eval loss");
                metrics.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
            }
            if (eval.isEmpty()) metrics.addSeries("no evaluation", List.of(0.0), List.of(0.0));
            dev.headwise.io.AtomicFiles.write(png, tmp -> {
                try (var os = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(List.of(loss, metrics), 1, 2, os, BitmapEncoder.BitmapFormat.PNG);
                }
            });
        } catch (IOException e) {
            throw new HeadwiseException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
