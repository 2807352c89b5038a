package dev.headwise.tokenize;

import dev.headwise.HeadwiseException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sliding windows, the alternative to {@link Truncation} for texts longer than the model's input: a long
 * text becomes consecutive windows of {@code maxLength} tokens, special tokens included in each, the next
 * one starting {@code overlap} tokens before the previous one ends. These are the windows HF tokenizers
 * produce with {@code truncation=True, max_length=L, stride=overlap, return_overflowing_tokens=True}. A
 * document's prediction pools its windows' logits (multi-label: probabilities).
 *
 * @param overlap    text tokens two consecutive windows share (HF's {@code stride}); at least 0
 * @param pooling    how a document's windows are combined
 * @param maxWindows at most this many windows per document, the first ones (bounds the cost per document); at least 1
 */
public record Windows(int overlap, Pooling pooling, int maxWindows) {
    /** How a document's windows become one prediction. */
    public enum Pooling {
        MEAN, MAX;

        public static Pooling parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new HeadwiseException("unknown window pooling '" + s + "'; use mean or max.");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Windows {
        if (overlap < 0) throw new HeadwiseException("--window-overlap must be at least 0, not " + overlap + ".");
        if (maxWindows < 1) throw new HeadwiseException("--max-windows must be at least 1, not " + maxWindows + ".");
        java.util.Objects.requireNonNull(pooling, "pooling");
    }

    /** Fails unless windows of {@code maxLength} tokens (two of them special) leave room to move past the overlap. */
    public void check(int maxLength) {
        if (overlap >= maxLength - 2) {
            throw new HeadwiseException("--window-overlap must be less than the maximum length minus 2 (" + (maxLength - 2)
                    + ", the text tokens of a window), not " + overlap + ".");
        }
    }

    /**
     * The windows of {@code full}, a whole text's encoding with {@code specials} around it, each window with
     * them around its part: the text itself when it fits in {@code maxLength} tokens.
     */
    public List<Encoding> split(Encoding full, int maxLength, SpecialTokens specials) {
        check(maxLength);
        if (full.length() <= maxLength) return List.of(full);
        int text = full.length() - specials.count(), room = maxLength - specials.count(), step = room - overlap;
        if (step <= 0) {
            throw new HeadwiseException("windows of " + maxLength + " tokens, " + specials.count() + " of them special, "
                    + "leave no room past an overlap of " + overlap + " tokens.");
        }
        var out = new ArrayList<Encoding>();
        int lead = specials.leading();
        for (int start = 0; out.size() < maxWindows; start += step) {
            int end = Math.min(start + room, text);
            out.add(full.window(lead + start, lead + end, specials));
            if (end == text) break;
        }
        return out;
    }
}
