package dev.headwise.distributed;

import org.bytedeco.pytorch.Tensor;

/**
 * What a data-parallel run needs from the processes' group: sums across ranks, a broadcast from rank 0, and
 * small values shared through the rendezvous store. {@link #SINGLE}, one process alone, is the reference the
 * process groups are tested against: every operation leaves its input as it is.
 */
public interface Collectives extends AutoCloseable {
    /** Begins every error a lost peer causes, so that a launcher can tell causes from consequences. */
    String LOST = "lost contact with the other processes";

    int rank();

    int size();

    /** Sums {@code tensors} over all ranks in place; each rank ends with the same values. */
    void allReduceSum(Tensor... tensors);

    /** Copies rank 0's {@code tensor} into every other rank's, in place. */
    void broadcast(Tensor tensor);

    /** Publishes {@code value} under {@code key} for the other ranks. */
    void put(String key, String value);

    /**
     * The value another rank published under {@code key}, waiting for it up to the group's timeout, and removed:
     * each key is for one reader.
     */
    String take(String key);

    @Override
    void close();

    /** One process: nothing to exchange. */
    Collectives SINGLE = new Collectives() {
        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void allReduceSum(Tensor... tensors) {}

        @Override
        public void broadcast(Tensor tensor) {}

        @Override
        public void put(String key, String value) {
            throw new IllegalStateException("one process has no one to share " + key + " with");
        }

        @Override
        public String take(String key) {
            throw new IllegalStateException("one process has no one to take " + key + " from");
        }

        @Override
        public void close() {}
    };
}
