package dev.ledger.bench;

import java.util.List;
import java.util.Locale;

/**
 * One line of the benchmark's table: a measured value, the limit it is compared with (measured in
 * the same run), their ratio, and the target for it when there is one.
 *
 * @param met null when the figure has no target
 */
record Figure(String name, String value, String limit, String ratio, String target, Boolean met) {

    static Figure info(String name, String value, String limit) {
        return new Figure(name, value, limit, "", "", null);
    }

    /** A scenario that could not be measured: a row of its own, and the command fails at the end. */
    static Figure failure(String scenario, String why) {
        return new Figure("Scenario " + scenario + " FAILED", why, "see the output above", "", "", null);
    }

    boolean failed() {
        return name.endsWith(" FAILED");
    }

    static Figure compared(String name, String value, String limit, double ratio, String target, Boolean met) {
        return new Figure(name, value, limit, format("%.2f", ratio), target, met);
    }

    static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }

    static String rate(double perSecond) {
        return format("%,.0f events/s", perSecond);
    }

    static String seconds(double seconds) {
        return format("%.2f s", seconds);
    }

    static String millis(double millis) {
        return format("%.2f ms", millis);
    }

    /** The figures as a Markdown table, which reads as well in a terminal as in BENCHMARKS.md. */
    static String table(List<Figure> figures) {
        var header = new String[] {"figure", "value", "limit compared with (same run)", "ratio", "target", "met?"};
        var rows = figures.stream().map(f -> new String[] {f.name(), f.value(), f.limit(), f.ratio(), f.target(),
                f.met() == null ? "" : f.met() ? "yes" : "NO"}).toList();
        var widths = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            widths[i] = header[i].length();
            for (var row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        var out = new StringBuilder();
        line(out, header, widths);
        var rule = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            rule[i] = "-".repeat(widths[i]);
        }
        line(out, rule, widths);
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length())).append(" |");
        }
        out.append('\n');
    }
}
