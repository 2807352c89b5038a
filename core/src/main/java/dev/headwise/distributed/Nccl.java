package dev.headwise.distributed;

import dev.headwise.HeadwiseException;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.nccl.ProcessGroupNCCL;

/**
 * NCCL between GPUs. Its Java classes are in every build of the presets, its native library only in the
 * -gpu one ({@code ./mvnw -Pgpu package}): without it, loading the class fails, and that becomes one line.
 */
final class Nccl {
    private Nccl() {}

    static Backend create(World world, Store store, Milliseconds timeout) {
        ProcessGroupNCCL.Options options;
        try {
            options = ProcessGroupNCCL.Options.create();
        } catch (LinkageError e) {
            throw new HeadwiseException("training on several GPUs needs NCCL, which these natives lack (" + e
                    + "); build with -Pgpu, or train on --device cpu (Gloo).");
        }
        options.timeout(timeout);
        try {
            return new ProcessGroupNCCL(new PrefixStore("nccl", store), world.rank(), world.size(), options);
        } catch (RuntimeException e) {
            throw ProcessGroups.lost("while connecting NCCL", e);
        }
    }
}
