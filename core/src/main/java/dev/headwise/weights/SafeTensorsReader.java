package dev.headwise.weights;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.headwise.HeadwiseException;
import dev.headwise.io.Json;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.function.Function;

/**
 * Reads a safetensors file: {@code u64 LE header length N | N bytes of UTF-8 JSON header | data section}.
 * Files are untrusted, so the whole header is validated, including that the tensors tile the data
 * section exactly, before any tensor byte is touched; every violation is one {@link HeadwiseException}
 * naming the file and, where there is one, the tensor.
 */
final class SafeTensorsReader {
    /** The reference implementation's limit; anything larger is corruption or an attack. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    static final String METADATA_KEY = "__metadata__";
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A header entry; begin and end are offsets into the data section. */
    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private SafeTensorsReader() {
    }

    static SafeTensorsFile open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw invalid(file, "it is " + fileSize + " bytes long, too short for the 8-byte header length");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, arena);
            long headerLength = mapped.get(U64_LE, 0);
            checkHeaderLength(file, headerLength, fileSize);
            JsonNode header = parseObject(mapped.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE),
                    reason -> invalid(file, "its header " + reason));

            SequencedMap<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : header.properties()) {
                if (field.getKey().equals(METADATA_KEY)) {
                    metadata = parseMetadata(file, field.getValue());
                } else {
                    entries.add(parseEntry(file, field.getKey(), field.getValue()));
                }
            }
            long dataStart = 8 + headerLength;
            checkLayout(file, entries, fileSize - dataStart);

            SequencedMap<String, TensorData> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                MemorySegment data = mapped.asSlice(dataStart + e.begin(), e.end() - e.begin());
                tensors.put(e.name(), new TensorData(e.name(), e.dtype(), e.shape(), data));
            }
            return new SafeTensorsFile(file, tensors, metadata, arena);
        } catch (IOException e) {
            arena.close();
            throw new HeadwiseException("Cannot read safetensors file " + file + ": " + FileIo.describe(e) + ".", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static void checkHeaderLength(Path file, long length, long fileSize) {
        if (length == 0) {
            throw invalid(file, "its header length is 0");
        }
        // Compared unsigned: a u64 above 2^63 reads as a negative long.
        if (Long.compareUnsigned(length, MAX_HEADER_BYTES) > 0) {
            throw invalid(file, "its header length " + Long.toUnsignedString(length) + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (length > fileSize - 8) {
            throw invalid(file, "its header length " + length + " exceeds the " + (fileSize - 8)
                    + " bytes that follow it");
        }
    }

    /**
     * Parses strict UTF-8 JSON that must be an object; {@code invalid} turns a reason ("is not valid UTF-8")
     * into the caller's exception.
     */
    static JsonNode parseObject(byte[] bytes, Function<String, HeadwiseException> invalid) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid.apply("is not valid UTF-8");
        }
        JsonNode node;
        try {
            node = Json.STRICT.readTree(text); // duplicate keys and trailing content, which lenient parsers resolve silently
        } catch (JacksonException e) {
            throw invalid.apply("is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!node.isObject()) {
            throw invalid.apply("is " + kind(node) + ", not a JSON object");
        }
        return node;
    }

    private static SequencedMap<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw invalid(file, "its " + METADATA_KEY + " is " + kind(node) + ", not an object of strings");
        }
        SequencedMap<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw invalid(file, "its " + METADATA_KEY + " value for '" + field.getKey() + "' is "
                        + kind(field.getValue()) + ", not a string");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private static Entry parseEntry(Path file, String name, JsonNode node) {
        String tensor = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw invalid(file, tensor + " is described by " + kind(node) + ", not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw invalid(file, tensor + " has no string 'dtype'");
        }
        DType dtype = DType.find(dtypeNode.textValue()).orElseThrow(() -> invalid(file, tensor
                + " has unknown dtype '" + dtypeNode.textValue() + "' (supported: " + DType.supported() + ")"));
        long[] shape = naturals(file, tensor, node, "shape");
        long[] offsets = naturals(file, tensor, node, "data_offsets");
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw invalid(file, tensor + " has data_offsets " + Arrays.toString(offsets)
                    + ", expected [begin, end] with begin <= end");
        }
        long bytes;
        try {
            bytes = TensorData.byteSizeExact(dtype, shape);
        } catch (ArithmeticException e) {
            throw invalid(file, tensor + " has shape " + Arrays.toString(shape)
                    + " whose byte size overflows a 64-bit integer");
        }
        if (offsets[1] - offsets[0] != bytes) {
            throw invalid(file, tensor + " has data_offsets " + Arrays.toString(offsets) + " spanning "
                    + (offsets[1] - offsets[0]) + " bytes, but " + dtype + " " + Arrays.toString(shape)
                    + " needs " + bytes);
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** The array field {@code key}, whose elements must be integers in [0, Long.MAX_VALUE]. */
    private static long[] naturals(Path file, String tensor, JsonNode node, String key) {
        JsonNode array = node.get(key);
        if (array == null || !array.isArray()) {
            throw invalid(file, tensor + " has no array '" + key + "'");
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw invalid(file, tensor + " has '" + key + "' element " + v + ", expected a non-negative integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** The spans, sorted by offset, must cover the data section exactly: no overlap, gap or trailing byte. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        for (Entry e : entries) {
            if (e.end() > dataSize) {
                throw invalid(file, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", " + e.end()
                        + "] past the end of the " + dataSize + "-byte data section");
            }
        }
        List<Entry> sorted = entries.stream()
                .sorted(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end))
                .toList();
        long covered = 0;
        String previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw invalid(file, "tensors '" + previous + "' and '" + e.name() + "' overlap in the data section");
            }
            if (e.begin() > covered) {
                throw invalid(file, "data bytes " + covered + " to " + e.begin() + " before tensor '" + e.name()
                        + "' belong to no tensor");
            }
            covered = e.end();
            previous = e.name();
        }
        if (covered != dataSize) {
            throw invalid(file, "its last " + (dataSize - covered) + " data bytes belong to no tensor");
        }
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static HeadwiseException invalid(Path file, String detail) {
        return new HeadwiseException("Invalid safetensors file " + file + ": " + detail + ".");
    }
}
