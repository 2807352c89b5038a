package dev.headwise.distributed;

import dev.headwise.HeadwiseException;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;

/**
 * c10d's process groups: rendezvous through a {@link TCPStore} served by rank 0, then Gloo between CPU
 * processes or NCCL between GPUs. Every failure of a collective (a peer that died, a timeout) becomes one
 * {@link HeadwiseException} starting with {@link Collectives#LOST}.
 */
public final class ProcessGroups implements Collectives {
    private final World world;
    private final TCPStore tcpStore;
    private final Store store;
    private final Backend backend;
    private final Duration timeout;
    private final Device device;

    private ProcessGroups(World world, TCPStore tcpStore, Store store, Backend backend, Duration timeout, Device device) {
        this.device = device;
        this.world = world;
        this.tcpStore = tcpStore;
        this.store = store;
        this.backend = backend;
        this.timeout = timeout;
    }

    /** The group of one process alone, or the joined group of a distributed {@code world}. */
    public static Collectives join(World world, Device device, Duration timeout) {
        if (!world.distributed()) return SINGLE;
        var ms = new Milliseconds(timeout.toMillis());
        TCPStore tcp;
        try {
            var options = new TCPStoreOptions().port((short) world.masterPort()).isServer(world.isMain())
                    .numWorkers(new SizeTPointer(1).put(world.size())).waitWorkers(true).timeout(ms);
            tcp = new TCPStore(world.masterAddr(), options);
        } catch (RuntimeException e) {
            throw new HeadwiseException("rank " + world.rank() + " cannot meet the other " + (world.size() - 1)
                    + " processes at " + world.masterAddr() + ":" + world.masterPort() + " within " + timeout.toSeconds()
                    + " s (" + firstLine(e) + ").", e);
        }
        Store store = new PrefixStore("headwise", tcp);
        Backend backend = device.is_cpu() ? gloo(world, store, ms) : Nccl.create(world, store, ms);
        return new ProcessGroups(world, tcp, store, backend, timeout, device);
    }

    private static Backend gloo(World world, Store store, Milliseconds timeout) {
        var options = ProcessGroupGloo.Options.create(timeout);
        options.devices().push_back(glooDevice(world.masterAddr()));
        try {
            return new ProcessGroupGloo(new PrefixStore("gloo", store), world.rank(), world.size(), options);
        } catch (RuntimeException e) {
            throw lost("while connecting", e);
        }
    }

    /**
     * The network interface Gloo talks on, chosen as torch.distributed does: {@code GLOO_SOCKET_IFNAME}, else
     * the loopback when the rendezvous host is this machine, else the interface this host name resolves to.
     */
    private static org.bytedeco.pytorch.gloo.Device glooDevice(String masterAddr) {
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        if (ifname != null && !ifname.isBlank()) return ProcessGroupGloo.createDeviceForInterface(ifname.split(",")[0]);
        try {
            if (InetAddress.getByName(masterAddr).isLoopbackAddress()) {
                return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
            }
        } catch (UnknownHostException e) {
            throw new HeadwiseException("the rendezvous host " + masterAddr + " does not resolve.");
        }
        return ProcessGroupGloo.createDefaultDevice();
    }

    @Override
    public int rank() {
        return world.rank();
    }

    @Override
    public int size() {
        return world.size();
    }

    @Override
    public void allReduceSum(Tensor... tensors) {
        var options = new AllreduceOptions();
        options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
        // All launched before the first wait: Gloo's threads work on several at once.
        var works = new ArrayList<Work>(tensors.length);
        // NCCL reduces GPU memory only: host values (evaluation's logits) go over and come back.
        Tensor[] on = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) on[i] = onDevice(tensors[i]);
        try {
            for (Tensor t : on) works.add(backend.allreduce(new TensorVector(t), options));
            for (Work w : works) w._wait();
        } catch (RuntimeException e) {
            throw lost("in an all-reduce", e);
        }
        for (int i = 0; i < tensors.length; i++) if (on[i] != tensors[i]) tensors[i].copy_(on[i]);
    }

    @Override
    public void broadcast(Tensor tensor) {
        var options = new BroadcastOptions();
        options.rootRank(0);
        Tensor on = onDevice(tensor);
        try {
            backend.broadcast(new TensorVector(on), options)._wait();
        } catch (RuntimeException e) {
            throw lost("in a broadcast from rank 0", e);
        }
        if (on != tensor) tensor.copy_(on);
    }

    private Tensor onDevice(Tensor t) {
        return device.is_cpu() || !t.is_cpu() ? t : t.to(device, t.scalar_type());
    }

    @Override
    public void put(String key, String value) {
        try {
            store.set(key, value);
        } catch (RuntimeException e) {
            throw lost("writing to the rendezvous store", e);
        }
    }

    @Override
    public String take(String key) {
        try {
            String value = store.get_to_str(key);
            store.deleteKey(key); // each key is read once, by one rank
            return value;
        } catch (RuntimeException e) {
            throw lost("waiting up to " + timeout.toSeconds() + " s for '" + key + "' from rank 0", e);
        }
    }

    @Override
    public void close() {
        backend.close();
        store.close();
        tcpStore.close();
    }

    static HeadwiseException lost(String where, RuntimeException e) {
        return new HeadwiseException(LOST + " " + where + " (" + firstLine(e) + ")", e);
    }

    private static String firstLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        m = m.lines().findFirst().orElse(m);
        return m.replaceAll("^\\[[^]]*\\] ", ""); // the C++ source position
    }
}
