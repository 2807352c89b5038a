package dev.headwise.report;

import dev.headwise.HeadwiseException;

/** How long one phase of a run took and how many examples it processed. */
public record Timing(String phase, double seconds, long samples) {
    public Timing {
        if (phase == null || !(seconds >= 0) || samples < 0) {
            throw new HeadwiseException("A timing needs a phase, non-negative seconds and a non-negative sample count.");
        }
    }

    /** Examples per second, or 0 when nothing was timed. */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }
}
