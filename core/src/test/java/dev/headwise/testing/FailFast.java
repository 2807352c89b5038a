package dev.headwise.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Asserts that a reader refuses a file whose header claims a huge size before acting on the claim: it must
 * throw {@link HeadwiseException} having allocated only a little on the Java heap.
 */
public final class FailFast {
    /** Far below any claim the tests make (gigabytes), far above what parsing a tiny file needs. */
    private static final long MAX_ALLOCATED_BYTES = 16 << 20;

    private FailFast() {
    }

    public static HeadwiseException assertFailsFast(Executable read) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        HeadwiseException e = assertThrows(HeadwiseException.class, read);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < MAX_ALLOCATED_BYTES, "allocated " + allocated + " bytes before failing: " + e.getMessage());
        return e;
    }
}
