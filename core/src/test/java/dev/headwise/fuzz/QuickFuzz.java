package dev.headwise.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;

/**
 * Runs a fuzz target on deterministic mutants of its seed corpus inside the ordinary test suite, so every
 * build exercises the readers' error paths beyond the fixed seeds. A failure names the mutant in hex.
 */
final class QuickFuzz {
    /** Inputs longer than this are cut: the seeds are small and big inputs only slow the run down. */
    static final int MAX_LENGTH = 1 << 16;
    /** Printed bytes of a failing input; its reproducer is the seed plus the mutation, not a huge dump. */
    private static final int SHOWN_BYTES = 4096;

    /** A fuzz test method taking the raw input; it may throw anything, and anything it throws is a finding. */
    interface Target {
        void accept(byte[] input) throws Exception;
    }

    private QuickFuzz() {
    }

    /** Feeds {@code runs} mutants of the seeds of {@code testClass}'s fuzz test {@code method} to {@code target}. */
    static void run(Class<?> testClass, String method, int runs, Target target) {
        Mutator mutator = new Mutator(method.hashCode(), Seeds.of(testClass, method), MAX_LENGTH);
        for (int i = 0; i < runs; i++) {
            byte[] input = mutator.next();
            try {
                target.accept(input);
            } catch (Throwable t) {
                String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, SHOWN_BYTES));
                fail("Mutant " + i + " of " + method + " (" + input.length + " bytes) threw " + t + "; input: " + hex, t);
            }
        }
    }
}
