package dev.headwise.data;

/** What reading does with a row whose text is empty or blank. */
public enum EmptyTextPolicy {
    /** Stop with an error naming the line. */
    ERROR,
    /** Leave the row out and count it. */
    SKIP
}
