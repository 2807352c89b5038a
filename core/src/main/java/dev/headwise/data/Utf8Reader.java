package dev.headwise.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding that knows the line of a bad byte. A parser's line count lags behind the decoder,
 * which reads ahead, so only the decoder can say where the bad byte sits: it counts the newline bytes
 * before it (a newline byte is never part of a multi-byte character).
 */
final class Utf8Reader extends Reader {
    /** Bytes that are not UTF-8, on {@link #line}. */
    static final class BadByte extends CharacterCodingException {
        final long line;

        BadByte(long line) {
            this.line = line;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private long line = 1;
    private boolean eof;
    private int pending = -1;

    Utf8Reader(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pending >= 0) {
            buf[off] = (char) pending;
            pending = -1;
            return 1;
        }
        if (len == 1) { // a character outside the BMP needs room for its two chars
            char[] two = new char[2];
            int n = read(two, 0, 2);
            if (n <= 0) return n;
            buf[off] = two[0];
            if (n == 2) pending = two[1];
            return 1;
        }
        CharBuffer out = CharBuffer.wrap(buf, off, len);
        while (out.position() == off) {
            if (!bytes.hasRemaining() || !eof && bytes.remaining() < 4) fill();
            int start = bytes.position();
            CoderResult r = decoder.decode(bytes, out, eof);
            for (int i = start; i < bytes.position(); i++) line += bytes.get(i) == '\n' ? 1 : 0;
            if (r.isError()) throw new BadByte(line);
            if (eof && !bytes.hasRemaining()) break;
        }
        int n = out.position() - off;
        return n == 0 ? -1 : n;
    }

    private void fill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) eof = true;
        else bytes.position(bytes.position() + n);
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
