package dev.headwise.weights.onnx;

import static dev.headwise.testing.FailFast.assertFailsFast;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Length and shape claims far beyond the bytes at hand are refused before anything that size is allocated. */
class OnnxFailFastTest {
    private static final long TWO_GIB = 1L << 31;

    @Test
    void graphClaiming2GibibytesFailsFast() {
        byte[] model = new ProtoWriter().tag(7, ProtoReader.LEN).rawVarint(TWO_GIB).raw(1, 2, 3).toByteArray();
        assertRefused(model, "claims 2147483648 bytes");
    }

    @Test
    void graphClaimingJustUnder2GibibytesFailsFast() {
        byte[] model = new ProtoWriter().tag(7, ProtoReader.LEN).rawVarint(TWO_GIB - 1).raw(1, 2, 3).toByteArray();
        assertRefused(model, "claims 2147483647 bytes");
    }

    @Test
    void nestedRawDataClaiming2GibibytesFailsFast() {
        ProtoWriter tensor = new ProtoWriter().varint(2, TensorProto.FLOAT).tag(9, ProtoReader.LEN).rawVarint(TWO_GIB);
        assertRefused(graphWith(tensor), "claims 2147483648 bytes");
    }

    @Test
    void packedDimsClaiming2GibibytesFailFast() {
        ProtoWriter tensor = new ProtoWriter().tag(1, ProtoReader.LEN).rawVarint(TWO_GIB);
        assertRefused(graphWith(tensor), "claims 2147483648 bytes");
    }

    @Test
    void shapeOfAGibielementWithoutDataFailsFast() {
        ProtoWriter tensor = new ProtoWriter().packedVarints(1, 1L << 30).varint(2, TensorProto.FLOAT).string(8, "w");
        assertRefused(graphWith(tensor), "needs 4294967296");
    }

    @Test
    void shapeBeyondAnyArrayFailsFast() {
        ProtoWriter tensor = new ProtoWriter().packedVarints(1, 1L << 40, 1L << 40).varint(2, TensorProto.FLOAT).string(8, "w");
        assertRefused(graphWith(tensor), "invalid shape");
    }

    /** A model whose graph holds {@code tensor} as its one initializer, with every length prefix correct. */
    private static byte[] graphWith(ProtoWriter tensor) {
        return new ProtoWriter().message(7, new ProtoWriter().message(5, tensor)).toByteArray();
    }

    private static void assertRefused(byte[] model, String detail) {
        String graph = assertFailsFast(() -> OnnxGraph.parse(model, "claims.onnx")).getMessage();
        assertTrue(graph.contains(detail) && graph.contains("claims.onnx"), graph);
        String importer = assertFailsFast(() -> BertOnnxImporter.importEncoder(model, "claims.onnx")).getMessage();
        assertTrue(importer.contains(detail), importer);
    }
}
