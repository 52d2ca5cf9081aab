package dev.dna.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts written as PNG, with XChart. */
final class Charts {
    private Charts() {}

    /**
     * One line per series; each series is a list of (x, y) points. On a logarithmic y axis the points with y <= 0 (the
     * swap's hinge where it is inactive) cannot be drawn and are left out; a series with none left is not drawn.
     */
    static void lines(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series, boolean logY)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (var e : series.entrySet()) {
            List<double[]> points = logY ? e.getValue().stream().filter(p -> p[1] > 0).toList() : e.getValue();
            if (points.isEmpty()) {
                continue;
            }
            double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.NONE);
        }
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
