package dev.headwise.spark;

import dev.headwise.HeadwiseException;

/** Spark's failures as one line: a task's own headwise error as it was, else the first line of the innermost message. */
final class SparkErrors {
    private SparkErrors() {}

    static HeadwiseException reported(Throwable e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HeadwiseException h) return h;
            if (t.getMessage() != null) innermost = t;
        }
        String message = innermost.getMessage() == null ? innermost.toString() : innermost.getMessage().strip().lines().findFirst().orElse("");
        return new HeadwiseException("Spark failed: " + message, e);
    }
}
