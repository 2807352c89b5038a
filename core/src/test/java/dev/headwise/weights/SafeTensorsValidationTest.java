package dev.headwise.weights;

import static dev.headwise.weights.SafeTensorsBytes.file;
import static dev.headwise.weights.SafeTensorsBytes.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headwise.HeadwiseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each malformed file must fail with one HeadwiseException naming the file and, where relevant, the tensor. */
class SafeTensorsValidationTest {
    @TempDir
    Path dir;

    /** An entry of the F32 tensor {@code name} with the given shape and offsets. */
    private static String f32(String name, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("too short", new byte[] {1, 0, 0}, "too short"),
                Arguments.of("zero header length", file(0, zeros(8)), "header length is 0"),
                Arguments.of("header over 100 MB", file(100_000_001, zeros(16)), "exceeds the limit"),
                Arguments.of("header length above 2^63", file(-1, zeros(16)), "18446744073709551615"),
                Arguments.of("header past end of file", file(64, "{}".getBytes()), "exceeds the 2 bytes"),
                Arguments.of("invalid UTF-8", file(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}, zeros(0)),
                        "not valid UTF-8"),
                Arguments.of("not JSON", file("{\"a\":", zeros(0)), "not valid JSON"),
                Arguments.of("trailing JSON", file("{}{}", zeros(0)), "not valid JSON"),
                Arguments.of("JSON array", file("[]", zeros(0)), "array, not a JSON object"),
                Arguments.of("duplicate names", file("{" + f32("w", "[1]", "[0,4]") + "," + f32("w", "[1]", "[4,8]") + "}",
                        zeros(8)), "Duplicate field 'w'"),
                Arguments.of("entry not an object", file("{\"w\":[1,2]}", zeros(0)), "tensor 'w' is described by array"),
                Arguments.of("missing dtype", file("{\"w\":{\"shape\":[],\"data_offsets\":[0,4]}}", zeros(4)),
                        "tensor 'w' has no string 'dtype'"),
                Arguments.of("dtype not a string", file("{\"w\":{\"dtype\":4,\"shape\":[],\"data_offsets\":[0,4]}}",
                        zeros(4)), "tensor 'w' has no string 'dtype'"),
                Arguments.of("unknown dtype", file("{\"w\":{\"dtype\":\"Q4\",\"shape\":[],\"data_offsets\":[0,4]}}",
                        zeros(4)), "tensor 'w' has unknown dtype 'Q4'"),
                Arguments.of("missing shape", file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", zeros(4)),
                        "tensor 'w' has no array 'shape'"),
                Arguments.of("shape not integers", file("{" + f32("w", "[1.5]", "[0,4]") + "}", zeros(4)),
                        "tensor 'w' has 'shape' element 1.5"),
                Arguments.of("negative dim", file("{" + f32("w", "[-1]", "[0,0]") + "}", zeros(0)),
                        "tensor 'w' has 'shape' element -1"),
                Arguments.of("dim beyond a long", file("{" + f32("w", "[99999999999999999999]", "[0,0]") + "}", zeros(0)),
                        "tensor 'w' has 'shape' element 99999999999999999999"),
                Arguments.of("shape product overflow", file("{" + f32("w", "[4294967296,4294967296]", "[0,0]") + "}",
                        zeros(0)), "tensor 'w' has shape [4294967296, 4294967296] whose byte size overflows"),
                Arguments.of("missing data_offsets", file("{\"w\":{\"dtype\":\"F32\",\"shape\":[]}}", zeros(4)),
                        "tensor 'w' has no array 'data_offsets'"),
                Arguments.of("three data_offsets", file("{" + f32("w", "[1]", "[0,4,8]") + "}", zeros(4)),
                        "tensor 'w' has data_offsets [0, 4, 8]"),
                Arguments.of("begin after end", file("{" + f32("w", "[0]", "[4,0]") + "}", zeros(4)),
                        "tensor 'w' has data_offsets [4, 0]"),
                Arguments.of("negative offset", file("{" + f32("w", "[1]", "[-4,0]") + "}", zeros(4)),
                        "tensor 'w' has 'data_offsets' element -4"),
                Arguments.of("span does not match shape", file("{" + f32("w", "[2]", "[0,4]") + "}", zeros(4)),
                        "tensor 'w' has data_offsets [0, 4] spanning 4 bytes, but F32 [2] needs 8"),
                Arguments.of("offsets past data section", file("{" + f32("w", "[2]", "[0,8]") + "}", zeros(4)),
                        "tensor 'w' has data_offsets [0, 8] past the end of the 4-byte data section"),
                Arguments.of("overlap", file("{" + f32("a", "[2]", "[0,8]") + "," + f32("b", "[1]", "[4,8]") + "}",
                        zeros(8)), "tensors 'a' and 'b' overlap"),
                Arguments.of("gap", file("{" + f32("a", "[1]", "[0,4]") + "," + f32("b", "[1]", "[8,12]") + "}",
                        zeros(12)), "data bytes 4 to 8 before tensor 'b' belong to no tensor"),
                Arguments.of("trailing bytes", file("{" + f32("a", "[1]", "[0,4]") + "}", zeros(7)),
                        "its last 3 data bytes belong to no tensor"),
                Arguments.of("metadata not an object", file("{\"__metadata__\":\"pt\"}", zeros(0)),
                        "__metadata__ is string, not an object of strings"),
                Arguments.of("metadata value not a string", file("{\"__metadata__\":{\"format\":1}}", zeros(0)),
                        "__metadata__ value for 'format' is number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedFile(String caseName, byte[] bytes, String expectedDetail) throws IOException {
        Path path = dir.resolve("bad.safetensors");
        Files.write(path, bytes);
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.open(path).close());
        assertTrue(e.getMessage().startsWith("Invalid safetensors file " + path + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedDetail), e.getMessage());
    }

    @Test
    void acceptsZeroLengthTensorsAnywhereAndAnyTensorOrder() throws IOException {
        Path path = dir.resolve("ok.safetensors");
        // Header order differs from data order, and an empty tensor sits between two others.
        Files.write(path, file("{" + f32("late", "[1]", "[4,8]") + "," + f32("empty", "[0]", "[4,4]") + ","
                + f32("early", "[1]", "[0,4]") + "}", zeros(8)));
        try (SafeTensorsFile f = SafeTensors.open(path)) {
            assertEquals(List.of("late", "empty", "early"), List.copyOf(f.tensors().keySet()));
            assertEquals(0, f.tensors().get("empty").numel());
        }
    }

    @Test
    void missingFileIsNamed() {
        Path path = dir.resolve("absent.safetensors");
        var e = assertThrows(HeadwiseException.class, () -> SafeTensors.open(path));
        assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("no such file"), e.getMessage());
    }
}
