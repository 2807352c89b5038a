package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtoReaderTest {

    @Test
    void readsEveryWireTypeAndSkipsUnknownFields() {
        byte[] bytes = new ProtoWriter()
                .raw(0x08, 0xAC, 0x02) // field 1 varint 300, encoded by hand
                .fixed64(9, 123L)
                .fixed32(2, 1.5f)
                .string(3, "héllo")
                .message(4, new ProtoWriter().varint(1, -1L))
                .packedVarints(5, 1, 128, 1L << 40)
                .varint(5, 7)
                .toByteArray();
        ProtoReader r = new ProtoReader(bytes, "t.onnx");
        ProtoReader.LongList repeated = new ProtoReader.LongList();
        while (r.nextField()) {
            switch (r.field()) {
                case 1 -> assertEquals(300, r.varint());
                case 2 -> assertEquals(1.5f, r.fixed32Float());
                case 3 -> assertEquals("héllo", r.string());
                case 4 -> {
                    ProtoReader inner = r.message();
                    assertTrue(inner.nextField());
                    assertEquals(-1L, inner.varint()); // ten-byte varint
                    assertFalse(inner.nextField());
                }
                case 5 -> r.repeatedVarint(repeated);
                default -> r.skip();
            }
        }
        assertArrayEquals(new long[] {1, 128, 1L << 40, 7}, repeated.toArray());
    }

    @Test
    void lengthBeyondTheRemainingBytesIsRejected() {
        byte[] bytes = new ProtoWriter().tag(3, ProtoReader.LEN).rawVarint(1_000_000_000L).raw('a', 'b').toByteArray();
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> readAll(bytes));
        assertTrue(e.getMessage().contains("big.onnx") && e.getMessage().contains("1000000000"), e.getMessage());
    }

    @Test
    void truncatedInputsAreRejected() {
        assertThrows(HeadwiseException.class, () -> readAll(new byte[] {0x08})); // tag without value
        assertThrows(HeadwiseException.class, () -> readAll(new byte[] {0x08, (byte) 0x80})); // cut varint
        assertThrows(HeadwiseException.class, () -> readAll(new byte[] {0x15, 1, 2})); // fixed32 needs 4
        assertThrows(HeadwiseException.class, () -> readAll(new byte[] {0x09, 1, 2, 3})); // fixed64 needs 8
    }

    @Test
    void invalidTagsAndVarintsAreRejected() {
        assertThrows(HeadwiseException.class, () -> readAll(new byte[] {0x00, 0x01})); // field 0
        assertThrows(HeadwiseException.class, () -> readAll(new byte[] {0x0B})); // group wire type 3
        byte[] elevenBytes = new byte[] {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01};
        assertThrows(HeadwiseException.class, () -> readAll(elevenBytes));
    }

    @Test
    void nestingIsLimited() {
        ProtoWriter nested = new ProtoWriter().varint(2, 1);
        for (int i = 0; i < ProtoReader.MAX_DEPTH; i++) {
            nested = new ProtoWriter().message(1, nested);
        }
        byte[] allowed = nested.toByteArray();
        descend(new ProtoReader(allowed, "ok.onnx"));
        byte[] tooDeep = new ProtoWriter().message(1, nested).toByteArray();
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> descend(new ProtoReader(tooDeep, "deep.onnx")));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }

    @Test
    void tensorDataMustMatchItsShape() {
        ProtoWriter tooShort = new ProtoWriter().packedVarints(1, 2, 3).varint(2, TensorProto.FLOAT).string(8, "w")
                .bytes(9, new byte[20]);
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> tensor(tooShort));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("24"), e.getMessage());

        ProtoWriter huge = new ProtoWriter().packedVarints(1, 1L << 40, 1L << 40).varint(2, TensorProto.FLOAT).bytes(9, new byte[4]);
        assertThrows(HeadwiseException.class, () -> tensor(huge));
        ProtoWriter negative = new ProtoWriter().packedVarints(1, -4).varint(2, TensorProto.FLOAT).bytes(9, new byte[4]);
        assertThrows(HeadwiseException.class, () -> tensor(negative));
    }

    @Test
    void typedFieldsDecodeLikeRawData() {
        ProtoWriter floats = new ProtoWriter().packedVarints(1, 2).varint(2, TensorProto.FLOAT).fixed32(4, 0.25f).fixed32(4, -2f);
        assertArrayEquals(new float[] {0.25f, -2f}, tensor(floats).toFloats());
        ProtoWriter longs = Onnx.int64Tensor("s", 0, -1, 12, 32);
        assertArrayEquals(new long[] {0, -1, 12, 32}, tensor(longs).toLongs());
        ProtoWriter halves = new ProtoWriter().packedVarints(1, 1).varint(2, TensorProto.FLOAT16)
                .packedVarints(5, Float.floatToFloat16(3.5f) & 0xFFFF);
        assertArrayEquals(new float[] {3.5f}, tensor(halves).toFloats());
    }

    @Test
    void externalDataIsRefusedClearly() {
        ProtoWriter external = new ProtoWriter().packedVarints(1, 2).varint(2, TensorProto.FLOAT).string(8, "big")
                .message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin")).varint(14, 1);
        HeadwiseException e = assertThrows(HeadwiseException.class, () -> tensor(external));
        assertTrue(e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void randomBytesOnlyEverFailWithHeadwiseException() {
        Random random = new Random(42);
        byte[] valid = TinyBert.standard().build();
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = valid.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                BertOnnxImporter.importEncoder(bytes, "mutated.onnx");
            } catch (HeadwiseException expected) {
                // the only acceptable failure
            }
        }
    }

    @Test
    void parsesGraphStructure() {
        byte[] model = Onnx.model(List.of(Onnx.node("Relu", List.of("x"), List.of("y"), Onnx.intsAttr("perm", 1, 0))),
                List.of(Onnx.floatTensor("w", new long[] {2}, new float[] {1, 2})), List.of("x"), List.of("y"));
        OnnxGraph g = OnnxGraph.parse(model, "g.onnx");
        assertEquals(List.of("x"), g.inputs());
        assertEquals(List.of("y"), g.outputs());
        assertEquals("Relu", g.nodes().getFirst().opType());
        assertArrayEquals(new long[] {1, 0}, g.nodes().getFirst().attribute("perm").orElseThrow().ints());
        assertArrayEquals(new float[] {1, 2}, g.initializers().get("w").toFloats());
    }

    private static void readAll(byte[] bytes) {
        ProtoReader r = new ProtoReader(bytes, "big.onnx");
        while (r.nextField()) {
            r.skip();
        }
    }

    private static void descend(ProtoReader r) {
        while (r.nextField()) {
            if (r.field() == 1) {
                descend(r.message());
            } else {
                r.skip();
            }
        }
    }

    private static TensorProto tensor(ProtoWriter t) {
        return TensorProto.read(new ProtoReader(t.toByteArray(), "t.onnx"));
    }
}
