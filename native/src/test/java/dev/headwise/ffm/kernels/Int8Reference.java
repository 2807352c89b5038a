package dev.headwise.ffm.kernels;

/**
 * The int8 product as {@link Int8LinearKernel} documents it, in plain Java: each row of x and of W quantized
 * symmetrically to [-127, 127] with scale max|row| / 127, the products summed exactly in int32, then
 * {@code fma(sum, xs ws, b)}, the same float operations as the kernel's, so its outputs match bit for bit.
 */
final class Int8Reference {
    /** Rows quantized: values (rows, k) and one scale per row. */
    record Quantized(int[] q, float[] scales, int rows, int k) {}

    private Int8Reference() {}

    static Quantized quantize(float[] a, int rows, int k) {
        int[] q = new int[rows * k];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            float max = 0f;
            for (int c = 0; c < k; c++) max = Math.max(max, Math.abs(a[r * k + c]));
            float inv = max > 0f ? 127f / max : 0f;
            for (int c = 0; c < k; c++) q[r * k + c] = (int) Math.rint(a[r * k + c] * inv);
            scales[r] = max / 127f;
        }
        return new Quantized(q, scales, rows, k);
    }

    /** x (m, k) W^T + b, no activation: (m, n). */
    static float[] linear(float[] x, int m, int k, float[] w, int n, float[] b) {
        Quantized qx = quantize(x, m, k), qw = quantize(w, n, k);
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int c = 0; c < k; c++) acc += qx.q[i * k + c] * qw.q[j * k + c];
                y[i * n + j] = Math.fma((float) acc, qx.scales[i] * qw.scales[j], b[j]);
            }
        }
        return y;
    }
}
