package dev.headwise.data.spamassassin;

import dev.headwise.HeadwiseException;

import java.util.Locale;

/**
 * The two-level label of a SpamAssassin email: {@code ham|spam}, then {@code easy_ham|hard_ham|spam}.
 * The combined {@link #label()} joins the levels with a dot so a hierarchical trainer can split it.
 */
public enum EmailClass {
    EASY_HAM("ham", "easy_ham"),
    HARD_HAM("ham", "hard_ham"),
    SPAM("spam", "spam");

    private final String level1;
    private final String level2;

    EmailClass(String level1, String level2) {
        this.level1 = level1;
        this.level2 = level2;
    }

    public String level1() {
        return level1;
    }

    public String level2() {
        return level2;
    }

    /** {@code level1.level2}, e.g. {@code ham.easy_ham}. */
    public String label() {
        return level1 + "." + level2;
    }

    /** The class of a corpus group such as {@code easy-ham-2} or {@code spam-1} (numbered or not). */
    public static EmailClass ofGroup(String group) {
        String kind = group.toLowerCase(Locale.ROOT).replaceFirst("-\\d+$", "");
        return switch (kind) {
            case "easy-ham" -> EASY_HAM;
            case "hard-ham" -> HARD_HAM;
            case "spam" -> SPAM;
            default -> throw new HeadwiseException("The SpamAssassin group '" + group
                    + "' is unknown; expected easy-ham-N, hard-ham-N or spam-N.");
        };
    }
}
