package dev.headwise.distributed;

import dev.headwise.HeadwiseException;

import java.util.Map;

/**
 * Where this process stands in a data-parallel run: its rank among {@code size} processes, its rank and
 * count on its own machine, and the rendezvous address (rank 0's TCPStore).
 *
 * @param localRank  the index of this process on its machine (it picks {@code cuda:localRank})
 * @param localSize  the processes on this machine, which share its cores
 * @param masterAddr the host of rank 0, where the rendezvous store listens
 * @param masterPort that store's TCP port
 */
public record World(int rank, int size, int localRank, int localSize, String masterAddr, int masterPort) {
    /** torchrun's variables, which Slurm or Kubernetes jobs set the same way. */
    public static final String RANK = "RANK";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";

    public World {
        if (size < 1) throw new HeadwiseException("the world size must be at least 1, got " + size + ".");
        if (rank < 0 || rank >= size) {
            throw new HeadwiseException("the rank must be in [0, " + size + "), got " + rank + ".");
        }
        if (localSize < 1 || localRank < 0 || localRank >= localSize || localSize > size) {
            throw new HeadwiseException("the local rank " + localRank + " of " + localSize + " processes per machine"
                    + " does not fit a world of " + size + ".");
        }
        if (size > 1 && (masterAddr == null || masterAddr.isBlank())) {
            throw new HeadwiseException("a run of " + size + " processes needs the rendezvous host (--master-addr or "
                    + MASTER_ADDR + ").");
        }
        if (size > 1 && (masterPort < 1 || masterPort > 65535)) {
            throw new HeadwiseException("the rendezvous port must be in [1, 65535], got " + masterPort + ".");
        }
    }

    /** One process alone. */
    public static World single() {
        return new World(0, 1, 0, 1, null, 0);
    }

    /** True when an external launcher (torchrun, a Slurm or Kubernetes job) set {@code WORLD_SIZE}. */
    public static boolean inEnvironment(Map<String, String> env) {
        return env.containsKey(WORLD_SIZE);
    }

    /** The world torchrun's variables describe; {@code LOCAL_*} default to a machine of one process. */
    public static World fromEnvironment(Map<String, String> env) {
        int size = integer(env, WORLD_SIZE, null);
        int rank = integer(env, RANK, null);
        int localSize = integer(env, LOCAL_WORLD_SIZE, "1");
        int localRank = integer(env, LOCAL_RANK, "0");
        String addr = env.getOrDefault(MASTER_ADDR, size > 1 ? null : "127.0.0.1");
        int port = integer(env, MASTER_PORT, size > 1 ? null : "0");
        return new World(rank, size, localRank, localSize, addr, port);
    }

    /** The variables that describe this world to a worker process, as torchrun sets them. */
    public Map<String, String> environment() {
        return Map.of(RANK, Integer.toString(rank), WORLD_SIZE, Integer.toString(size), LOCAL_RANK,
                Integer.toString(localRank), LOCAL_WORLD_SIZE, Integer.toString(localSize), MASTER_ADDR, masterAddr,
                MASTER_PORT, Integer.toString(masterPort));
    }

    public boolean isMain() {
        return rank == 0;
    }

    public boolean distributed() {
        return size > 1;
    }

    private static int integer(Map<String, String> env, String name, String fallback) {
        String v = env.getOrDefault(name, fallback);
        if (v == null) throw new HeadwiseException("the environment sets " + WORLD_SIZE + " but not " + name + ".");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new HeadwiseException("the environment variable " + name + " must be an integer, not '" + v + "'.");
        }
    }
}
