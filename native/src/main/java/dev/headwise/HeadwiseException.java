package dev.headwise;

/**
 * The one exception headwise throws for bad input, bad files or unavailable resources. Its message is a
 * complete sentence meant for the user (the CLI prints it as a one-line error).
 */
public class HeadwiseException extends RuntimeException {
    public HeadwiseException(String message) {
        super(message);
    }

    public HeadwiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
