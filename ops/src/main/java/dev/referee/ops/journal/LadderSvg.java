package dev.referee.ops.journal;

import java.util.Locale;

/** A {@link Ladder} as a self-contained XHTML page with an inline SVG sequence diagram (no scripts, no links). */
final class LadderSvg
{
    private static final int COLUMN_WIDTH = 260;
    private static final int ROW_HEIGHT = 28;
    private static final int TOP = 60;

    private LadderSvg()
    {
    }

    static String page(final Ladder ladder, final String title, final WallClock clock)
    {
        final int width = ladder.parties.size() * COLUMN_WIDTH + 120;
        final int height = TOP + (ladder.arrows.size() + 1) * ROW_HEIGHT + 20;
        final StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
            .append(height).append("\" font-family=\"monospace\" font-size=\"12\">\n");
        svg.append("<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"10\" refY=\"4\" " +
            "orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#333\"/></marker></defs>\n");
        for (int i = 0; i < ladder.parties.size(); i++)
        {
            final int x = x(i);
            svg.append("<text x=\"").append(x).append("\" y=\"30\" text-anchor=\"middle\" font-weight=\"bold\">")
                .append(escape(ladder.parties.get(i))).append("</text>\n");
            svg.append("<line x1=\"").append(x).append("\" y1=\"40\" x2=\"").append(x).append("\" y2=\"")
                .append(height - 10).append("\" stroke=\"#999\" stroke-dasharray=\"4,3\"/>\n");
        }
        final long startNs = ladder.arrows.isEmpty() ? 0 : ladder.arrows.get(0).timeNs();
        int row = 1;
        for (final Ladder.Arrow arrow : ladder.arrows)
        {
            final int y = TOP + row * ROW_HEIGHT;
            final int x1 = x(arrow.from());
            final int x2 = x(arrow.to());
            svg.append("<text x=\"4\" y=\"").append(y).append("\" fill=\"#666\">")
                .append(String.format(Locale.ROOT, "%+.3fs", (arrow.timeNs() - startNs) / 1e9)).append("</text>\n");
            svg.append("<line x1=\"").append(x1).append("\" y1=\"").append(y).append("\" x2=\"").append(x2)
                .append("\" y2=\"").append(y).append("\" stroke=\"#333\" marker-end=\"url(#arrow)\"/>\n");
            svg.append("<text x=\"").append((x1 + x2) / 2).append("\" y=\"").append(y - 5)
                .append("\" text-anchor=\"middle\">").append(escape(shorten(arrow.label()))).append("</text>\n");
            row++;
        }
        svg.append("</svg>\n");

        final StringBuilder events = new StringBuilder();
        for (int i = 0; i < ladder.eventLabels.size(); i++)
        {
            events.append("<li>").append(escape(clock.format(ladder.eventTimes.get(i)[0]))).append(' ')
                .append(escape(ladder.eventLabels.get(i))).append("</li>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n" +
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"UTF-8\"/>\n<title>" +
            escape(title) + "</title>\n<style>body{font-family:sans-serif;margin:16px}</style>\n</head>\n<body>\n" +
            "<h1>" + escape(title) + "</h1>\n" + svg + "<h2>Events</h2>\n<ul>\n" + events + "</ul>\n</body>\n</html>\n";
    }

    private static int x(final int column)
    {
        return 90 + column * COLUMN_WIDTH + COLUMN_WIDTH / 2;
    }

    private static String shorten(final String label)
    {
        return label.length() > 40 ? label.substring(0, 39) + "…" : label;
    }

    static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
