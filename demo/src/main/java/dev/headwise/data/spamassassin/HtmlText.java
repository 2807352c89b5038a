package dev.headwise.data.spamassassin;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/** Turns an HTML body into readable text, keeping block elements on their own lines. */
final class HtmlText {
    private HtmlText() {
    }

    static String toText(String html) {
        Document document = Jsoup.parse(html);
        document.select("script, style, noscript, template, head").remove();
        StringBuilder text = new StringBuilder(html.length() / 2);
        document.body().traverse(new LineBreakingVisitor(text));
        return text.toString();
    }

    /** Document#text() would run everything into one line; paragraphs and table rows deserve line breaks. */
    private record LineBreakingVisitor(StringBuilder text) implements NodeVisitor {
        @Override
        public void head(Node node, int depth) {
            if (node instanceof TextNode textNode) {
                text.append(textNode.text());
            } else if (node instanceof Element element && (element.isBlock() || element.nameIs("br"))) {
                text.append('\n');
            }
        }

        @Override
        public void tail(Node node, int depth) {
            // a <br> has no content to end: only its head breaks the line
            if (node instanceof Element element && element.isBlock() && !element.nameIs("br")) {
                text.append('\n');
            }
        }
    }
}
