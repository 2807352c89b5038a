package dev.headwise.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Writes safetensors files byte-compatible with the Hugging Face layout, atomically. */
final class SafeTensorsWriter {
    private static final int COPY_CHUNK = 1 << 20;

    private SafeTensorsWriter() {
    }

    static void write(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        requireUniqueNames(file, tensors);
        byte[] header = header(file, tensors, metadata);
        FileIo.writeAtomically(file, channel -> {
            writeFully(channel, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length));
            writeFully(channel, ByteBuffer.wrap(header));
            byte[] chunk = new byte[COPY_CHUNK];
            for (TensorData t : tensors) {
                copy(t.data(), channel, chunk);
            }
        });
    }

    static void requireUniqueNames(Path file, List<TensorData> tensors) {
        Set<String> seen = new HashSet<>();
        for (TensorData t : tensors) {
            if (t.name().equals(SafeTensorsReader.METADATA_KEY)) {
                throw new HeadwiseException("Cannot write " + file + ": the tensor name '" + t.name()
                        + "' is reserved for metadata.");
            }
            if (!seen.add(t.name())) {
                throw new HeadwiseException("Cannot write " + file + ": the tensor name '" + t.name()
                        + "' appears more than once.");
            }
        }
    }

    /** Compact JSON with {@code __metadata__} first, space-padded to a multiple of 8 bytes as HF does. */
    static byte[] header(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsReader.METADATA_KEY);
            metadata.forEach((key, value) -> {
                if (key == null || value == null) {
                    throw new HeadwiseException("Cannot write " + file + ": metadata entry " + key + "=" + value
                            + " has no key or no value.");
                }
                meta.put(key, value);
            });
        }
        long offset = 0;
        for (TensorData t : tensors) {
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            long end = offset + t.data().byteSize();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new HeadwiseException("Cannot write " + file + ": " + e.getOriginalMessage() + ".", e);
        }
        int padded = (json.length + 7) & ~7;
        if (padded > SafeTensorsReader.MAX_HEADER_BYTES) {
            throw new HeadwiseException("Cannot write " + file + ": its header would be " + padded
                    + " bytes, over the safetensors limit of " + SafeTensorsReader.MAX_HEADER_BYTES + ".");
        }
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /** Copies through a small heap buffer so any segment works (native, mapped, or backed by any array type). */
    private static void copy(MemorySegment data, FileChannel channel, byte[] chunk) throws IOException {
        for (long pos = 0; pos < data.byteSize(); pos += chunk.length) {
            int n = (int) Math.min(chunk.length, data.byteSize() - pos);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, chunk, 0, n);
            writeFully(channel, ByteBuffer.wrap(chunk, 0, n));
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
