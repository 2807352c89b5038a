package dev.headwise.data;

/** Whether and how a training epoch groups texts of similar length into batches (less padding). */
public enum LengthGrouping {
    /** Plain shuffled batches. */
    NONE,
    /** Grouped, with the batch holding the longest text first so that running out of memory happens at once. */
    LONGEST_FIRST,
    /** Grouped, batches in shuffled order. */
    SHUFFLED
}
