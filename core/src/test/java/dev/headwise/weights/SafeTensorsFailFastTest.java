package dev.headwise.weights;

import static dev.headwise.testing.FailFast.assertFailsFast;
import static dev.headwise.weights.SafeTensorsBytes.file;
import static dev.headwise.weights.SafeTensorsBytes.zeros;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files whose header claims far more bytes than they hold are refused before anything that size exists. */
class SafeTensorsFailFastTest {
    @TempDir
    Path dir;

    @Test
    void headerLengthOf100GigabytesFailsFast() throws IOException {
        assertRefused(file(100_000_000_000L, zeros(16)), "exceeds the limit");
    }

    @Test
    void headerLengthOfAllOnesFailsFast() throws IOException {
        assertRefused(file(-1L, zeros(16)), "18446744073709551615");
    }

    @Test
    void headerLengthJustBelowTheLimitOnATinyFileFailsFast() throws IOException {
        assertRefused(file(SafeTensorsReader.MAX_HEADER_BYTES, zeros(16)), "bytes that follow");
    }

    @Test
    void dataOffsetsClaiming100GigabytesFailFast() throws IOException {
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[25000000000],\"data_offsets\":[0,100000000000]}}", zeros(8)),
                "past the end");
    }

    @Test
    void dataOffsetsUpToLongMaxFailFast() throws IOException {
        assertRefused(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[9223372036854775807],"
                + "\"data_offsets\":[0,9223372036854775807]}}", zeros(8)), "past the end");
    }

    @Test
    void shapeWhoseByteSizeOverflowsFailsFast() throws IOException {
        assertRefused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", zeros(8)),
                "overflows");
    }

    private void assertRefused(byte[] bytes, String detail) throws IOException {
        Path path = Files.write(dir.resolve("claims.safetensors"), bytes);
        String message = assertFailsFast(() -> SafeTensors.open(path).close()).getMessage();
        assertTrue(message.contains(detail) && message.contains(path.toString()), message);
    }
}
