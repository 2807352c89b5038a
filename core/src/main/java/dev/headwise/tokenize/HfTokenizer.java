package dev.headwise.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.headwise.HeadwiseException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A HF {@code tokenizer.json} run by the Rust tokenizers library through DJL, entirely offline: the native
 * library is extracted from the DJL jar and the tokenizer is read from a local file or bytes, never fetched.
 *
 * <p>The Rust tokenizer encodes through a shared reference, so concurrent {@code encode} calls are safe;
 * a read-write lock keeps {@link #close()} from freeing it under a running call. Padding and truncation
 * settings in the file are ignored: truncation is per call, padding is the batcher's job.
 */
public final class HfTokenizer implements TextTokenizer {
    /** Settings fixed at load time, since the Rust tokenizer must not be reconfigured while shared. */
    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "true",
            "padding", "false",
            "truncation", "false");

    static {
        // DJL otherwise probes the EC2 metadata endpoint on load to send telemetry; headwise stays offline unless
        // the application decides otherwise (docs/serving.md says so, as the one process-wide setting made here).
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final String source;
    private final int padId;
    private final int vocabSize;
    private final int modelMaxLength;
    private final SpecialTokens specialTokens;
    private final boolean tokenTypes;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, String source, TokenizerJsonFacts facts, int modelMaxLength,
                        boolean tokenTypes) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.padId = facts.padId();
        this.vocabSize = facts.vocabSize();
        this.specialTokens = facts.specialTokens();
        this.modelMaxLength = modelMaxLength;
        this.tokenTypes = tokenTypes;
    }

    /**
     * Loads a tokenizer from the bytes of a {@code tokenizer.json}.
     *
     * @param source names the file in error messages
     */
    public static HfTokenizer fromJson(byte[] json, String source) {
        return fromJson(json, source, TokenizerConfig.NONE);
    }

    /**
     * As {@link #fromJson(byte[], String)}, with what the model's tokenizer_config.json says: {@code model_max_length}
     * and whether token type ids reach the model (without them every encoding's type ids are 0).
     */
    static HfTokenizer fromJson(byte[] json, String source, TokenizerConfig config) {
        var facts = TokenizerJsonFacts.read(json, source);
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new HeadwiseException("The tokenizer file " + source + " cannot be loaded by the HF tokenizers library: "
                    + e.getMessage() + ".", e);
        }
        return new HfTokenizer(tokenizer, source, facts, config.modelMaxLength(), config.tokenTypes());
    }

    @Override
    public Encoding encode(String text, Truncation truncation) {
        Objects.requireNonNull(text, "text");
        return withTokenizer(t -> truncate(t.encode(text, true, false), truncation));
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts, Truncation truncation) {
        String[] array = texts.toArray(String[]::new);
        for (String text : array) {
            Objects.requireNonNull(text, "text");
        }
        return withTokenizer(t -> {
            List<Encoding> out = new ArrayList<>(array.length);
            for (ai.djl.huggingface.tokenizers.Encoding e : t.batchEncode(array, true, false)) {
                out.add(truncate(e, truncation));
            }
            return out;
        });
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public SpecialTokens specialTokens() {
        return specialTokens;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int modelMaxLength() {
        return modelMaxLength > 0 ? modelMaxLength : Integer.MAX_VALUE;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = Arrays.stream(ids).asLongStream().toArray();
        return withTokenizer(t -> t.decode(longs, true));
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + source + "]";
    }

    private <T> T withTokenizer(Function<HuggingFaceTokenizer, T> call) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The tokenizer from " + source + " is closed.");
            }
            return call.apply(tokenizer);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Encoding truncate(ai.djl.huggingface.tokenizers.Encoding e, Truncation truncation) {
        long[] ids = e.getIds();
        long[] types = e.getTypeIds();
        int[] outIds = new int[ids.length];
        int[] outTypes = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            outIds[i] = Math.toIntExact(ids[i]);
            outTypes[i] = tokenTypes ? Math.toIntExact(types[i]) : 0;
        }
        return truncation.apply(new Encoding(outIds, outTypes), specialTokens);
    }
}
