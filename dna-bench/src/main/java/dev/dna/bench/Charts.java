package dev.dna.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts written as PNG, with XChart. */
final class Charts {
    private Charts() {}

    /** Eight colours that stay apart on white (Okabe and Ito's palette, less its yellow, and black). */
    private static final java.awt.Color[] PALETTE = {
        new java.awt.Color(0, 114, 178), new java.awt.Color(213, 94, 0), new java.awt.Color(0, 158, 115),
        new java.awt.Color(204, 121, 167), new java.awt.Color(86, 180, 233), new java.awt.Color(230, 159, 0),
        java.awt.Color.BLACK, new java.awt.Color(120, 120, 120)};

    /**
     * One line of a chart: its (x, y) points, a colour (an index into a palette of eight, taken modulo eight) and
     * whether it is dashed; lines that belong together (a variant's raw and averaged weights) share a colour.
     */
    record Line(String name, List<double[]> points, int colour, boolean dashed) {}

    /**
     * One line per series, each in a colour of its own; each series is a list of (x, y) points. On a logarithmic y axis
     * the points with y <= 0 (the swap's hinge where it is inactive) cannot be drawn and are left out; a series with
     * none left is not drawn.
     */
    static void lines(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series, boolean logY)
            throws IOException {
        List<Line> lines = new java.util.ArrayList<>();
        series.forEach((name, points) -> lines.add(new Line(name, points, lines.size(), false)));
        lines(png, title, xLabel, yLabel, lines, logY);
    }

    /** {@code lines} as given, in their colours and dashes; otherwise as {@link #lines(Path, String, String, String, Map, boolean)}. */
    static void lines(Path png, String title, String xLabel, String yLabel, List<Line> lines, boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Line line : lines) {
            List<double[]> points = logY ? line.points().stream().filter(p -> p[1] > 0).toList() : line.points();
            if (points.isEmpty()) {
                continue;
            }
            double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
            XYSeries s = chart.addSeries(line.name(), x, y);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(PALETTE[Math.floorMod(line.colour(), PALETTE.length)]);
            s.setLineStyle(line.dashed() ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        }
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
