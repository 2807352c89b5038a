package dev.headwise.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The child JVMs' entry point: restores SIGINT's default action, then runs the CLI. A process started by a
 * parent that ignores SIGINT (a background job of a script, {@code nohup ... &}) inherits the ignoring,
 * and the JVM then installs no handler for it, so a test's Ctrl-C would never arrive.
 */
public final class DefaultSigintMain {
    private static final int SIGINT = 2;

    private DefaultSigintMain() {}

    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        var signal = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MemorySegment previous = (MemorySegment) signal.invokeExact(SIGINT, MemorySegment.NULL); // NULL is SIG_DFL
        if (previous.address() == -1) throw new IllegalStateException("signal(SIGINT, SIG_DFL) failed");
        Main.main(args);
    }
}
