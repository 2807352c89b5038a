package dev.headwise.cli;

import dev.headwise.HeadwiseException;
import dev.headwise.distributed.World;
import dev.headwise.train.TrainOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a training run spreads over processes, as torchrun's options: N workers per machine, and for several
 * machines the node count, this node's rank and rank 0's address. An external launcher's environment
 * ({@code WORLD_SIZE}, {@code RANK}, ...) takes their place.
 */
final class DistributedOptions {
    /** Set for the workers {@code --nproc-per-node} starts: their world is in the environment. */
    static final String LAUNCHED = "HEADWISE_LAUNCHED";
    private static final int DEFAULT_PORT = 29500; // torchrun's

    @Option(names = "--nproc-per-node", paramLabel = "N",
            description = "Worker processes on this machine, each with its share of the cores and --batch-size examples per batch (default: 1).")
    Integer nprocPerNode;
    @Option(names = "--nnodes", paramLabel = "N", description = "Machines in the run (default: 1).")
    Integer nnodes;
    @Option(names = "--node-rank", paramLabel = "R", description = "This machine's index among --nnodes (default: 0).")
    Integer nodeRank;
    @Option(names = "--master-addr", paramLabel = "HOST",
            description = "Host of the machine with --node-rank 0, where the processes meet (default: 127.0.0.1).")
    String masterAddr;
    @Option(names = "--master-port", paramLabel = "PORT",
            description = "Port they meet on (default: a free port on one machine, " + DEFAULT_PORT + " across machines).")
    Integer masterPort;
    @Option(names = "--dist-timeout", defaultValue = TrainOptions.Defaults.DIST_TIMEOUT_SECONDS, paramLabel = "SECONDS",
            description = "How long a process waits for the others (to meet, in a collective, for a checkpoint) before it stops (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** True when this process starts the workers rather than being one. */
    boolean launchesWorkers(Map<String, String> env) {
        return !World.inEnvironment(env) && perNode() > 1;
    }

    Duration timeout() {
        if (timeoutSeconds < 1) throw new HeadwiseException("--dist-timeout must be at least 1 second, got " + timeoutSeconds + ".");
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** This process's world: from the launcher's environment, else from the options (one worker per node). */
    World world(Map<String, String> env) {
        if (World.inEnvironment(env)) {
            if (!env.containsKey(LAUNCHED) && (nnodes != null || nodeRank != null || nprocPerNode != null)) {
                throw new HeadwiseException("the environment already describes the run (" + World.WORLD_SIZE + "="
                        + env.get(World.WORLD_SIZE) + "); give --nnodes, --node-rank and --nproc-per-node only without a launcher.");
            }
            return World.fromEnvironment(env);
        }
        return workers().getFirst();
    }

    /** The workers this machine runs, in local-rank order. */
    List<World> workers() {
        int perNode = perNode();
        int nodes = nnodes == null ? 1 : nnodes;
        int node = nodeRank == null ? 0 : nodeRank;
        if (nodes < 1) throw new HeadwiseException("--nnodes must be at least 1, got " + nodes + ".");
        if (node < 0 || node >= nodes) throw new HeadwiseException("--node-rank must be in [0, " + nodes + "), got " + node + ".");
        int size = Math.multiplyExact(nodes, perNode);
        String addr = masterAddr != null ? masterAddr : "127.0.0.1";
        int port = size == 1 ? 0 : masterPort != null ? masterPort : nodes == 1 ? freePort() : DEFAULT_PORT;
        var workers = new ArrayList<World>();
        for (int local = 0; local < perNode; local++) {
            workers.add(new World(node * perNode + local, size, local, perNode, addr, port));
        }
        return workers;
    }

    private int perNode() {
        int n = nprocPerNode == null ? 1 : nprocPerNode;
        if (n < 1) throw new HeadwiseException("--nproc-per-node must be at least 1, got " + n + ".");
        return n;
    }

    /** A port no one listens on now, for a run on this machine alone. */
    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new HeadwiseException("cannot find a free port for the workers to meet on: " + e.getMessage()
                    + "; give --master-port.");
        }
    }
}
