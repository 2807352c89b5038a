package dev.headwise.model;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.LongStream;

/**
 * Dropout noise drawn on Java threads, for the CPU. libtorch draws CPU dropout noise one element at a time
 * from a single Mersenne Twister (about 15 ns an element on the 2-core development machine, over a tenth
 * of a DistilBERT-base training step). Here each pair of elements takes one SplitMix64 output for its
 * index, so chunks of the tensor are filled in parallel, in a few ns an element, and the result does not
 * depend on how many threads did the work. Each call's seed is drawn from libtorch's default generator,
 * so {@code torch.manual_seed} still makes a run reproducible. Otherwise as {@link Dropout#LIBTORCH}: the
 * same noise values in the input's dtype, and autograd sees one multiplication.
 */
final class CounterDropout implements Dropout {
    static final CounterDropout INSTANCE = new CounterDropout();

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final long CHUNK = 1 << 16; // elements per parallel task; even, so pairs never straddle two
    private static final int BLOCK = 4096;     // elements per copy out of the heap; even, and divides CHUNK

    private CounterDropout() {}

    @Override
    public Tensor apply(Tensor x, double p) {
        if (p == 0) return x;
        Tensor noise = torch.empty(Tensors.shape(x));                                        // fp32, contiguous
        boolean fp32 = x.scalar_type().value == torch.ScalarType.Float.value;
        // As libtorch: noise of 1 scaled by 1/(1-p) in the input's own dtype (for fp32 that is 1f / (float) (1-p)).
        fill(MemorySegment.ofAddress(noise.data_ptr().address()).reinterpret(noise.nbytes()), noise.numel(),
                nextSeed(), dropThreshold(p), fp32 ? 1f / (float) (1 - p) : 1f);
        if (!fp32) noise = noise.to(x.scalar_type()).div_(new Scalar(1 - p));
        return x.mul(noise);
    }

    /** Draws below this 32-bit value (unsigned) drop their element: probability ceil(p * 2^32) / 2^32. */
    static long dropThreshold(double p) {
        return (long) Math.ceil(p * 0x1p32);
    }

    /** n floats of noise: 0 where element i's 32-bit draw is below dropBelow, else kept. */
    static void fill(MemorySegment noise, long n, long seed, long dropBelow, float kept) {
        LongStream chunks = LongStream.range(0, (n + CHUNK - 1) / CHUNK);
        // On the common pool, unless libtorch is held to one thread (--threads 1): then on the caller alone.
        (torch.get_num_threads() > 1 ? chunks.parallel() : chunks).forEach(chunk -> {
            // Drawn into a heap array and copied out in blocks: C1 alone (as the launcher runs commands
            // that only predict) compiles per-element segment stores poorly.
            float[] block = new float[BLOCK];
            int keptBits = Float.floatToRawIntBits(kept);
            for (long start = chunk * CHUNK, end = Math.min(n, start + CHUNK); start < end; start += BLOCK) {
                int len = (int) Math.min(BLOCK, end - start);
                long counter = seed + (start >>> 1) * GOLDEN_GAMMA;
                for (int j = 0; j < len; j += 2, counter += GOLDEN_GAMMA) {
                    long r = mix(counter);
                    block[j] = noise((r & 0xffffffffL) - dropBelow, keptBits);
                    if (j + 1 < len) block[j + 1] = noise((r >>> 32) - dropBelow, keptBits);
                }
                MemorySegment.copy(block, 0, noise, ValueLayout.JAVA_FLOAT, start * Float.BYTES, len);
            }
        });
    }

    /** 0 if the draw minus the threshold is negative, else kept: without a branch, which would mispredict. */
    private static float noise(long drawMinusThreshold, int keptBits) {
        return Float.intBitsToFloat(keptBits & (int) ~(drawMinusThreshold >> 63));
    }

    /** SplitMix64's output function (Stafford's variant 13). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static long nextSeed() {
        return torch.randint(Long.MAX_VALUE, new long[] {1}, new TensorOptions(torch.ScalarType.Long)).item_long();
    }
}
