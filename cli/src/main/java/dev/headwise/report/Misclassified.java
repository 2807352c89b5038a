package dev.headwise.report;

/**
 * A test example the model got wrong.
 *
 * @param gold the gold path, such as {@code ham/hard_ham}
 * @param predicted the predicted path
 * @param confidence the probability of the predicted class at the deepest level
 */
public record Misclassified(String subject, String body, String gold, String predicted, double confidence) {
    /** The first {@code maxChars} characters of the body, whitespace collapsed, with an ellipsis when cut. */
    public String bodyStart(int maxChars) {
        String flat = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return flat.length() <= maxChars ? flat : flat.substring(0, maxChars) + "…";
    }
}
