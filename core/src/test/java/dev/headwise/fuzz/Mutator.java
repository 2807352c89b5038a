package dev.headwise.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A small, deterministic stand-in for libFuzzer's mutator: stacks of byte-level edits of a seed, splices of
 * two seeds and insertions of tokens that matter to the formats under test (JSON, CSV, protobuf varints,
 * little-endian lengths). Good enough to reach the error paths of every reader in a few thousand runs;
 * coverage-guided fuzzing with Jazzer goes further (see docs/fuzzing.md).
 */
final class Mutator {
    private static final List<byte[]> TOKENS = List.of(
            ascii("{"), ascii("}"), ascii("["), ascii("]"), ascii("\""), ascii(","), ascii(":"), ascii("\\"),
            ascii("\n"), ascii("\r\n"), ascii("\t"), ascii(" "), ascii("null"), ascii("true"), ascii("-1"), ascii("0"),
            ascii("1e309"), ascii("2147483648"), ascii("9223372036854775808"), ascii("18446744073709551615"),
            ascii("\"\":"), ascii("{\"a\":"), ascii("[[[[[[[["), ascii("\"\"\""), new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {0},
            // protobuf: a maximal 10-byte varint, a 2 GiB length, field keys of each wire type
            new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 1}, new byte[] {-128, -128, -128, -128, 8},
            new byte[] {0x08}, new byte[] {0x0A}, new byte[] {0x0D}, new byte[] {0x09}, new byte[] {0x3A},
            // little-endian u64 lengths: huge, just below 2^63, all ones
            new byte[] {0, 0, 0, 0, 0x17, 0, 0, 0}, new byte[] {-1, -1, -1, -1, -1, -1, -1, 0x7F},
            new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});

    private final Random random;
    private final List<byte[]> seeds;
    private final int maxLength;

    Mutator(long seed, List<byte[]> seeds, int maxLength) {
        this.random = new Random(seed);
        this.seeds = List.copyOf(seeds);
        this.maxLength = maxLength;
    }

    /** A new mutant: a random seed with one to four stacked edits, capped at the maximum length. */
    byte[] next() {
        byte[] bytes = seeds.get(random.nextInt(seeds.size()));
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            bytes = edit(bytes);
        }
        return bytes.length > maxLength ? Arrays.copyOf(bytes, maxLength) : bytes;
    }

    private byte[] edit(byte[] in) {
        if (in.length == 0) {
            return token();
        }
        int at = random.nextInt(in.length);
        return switch (random.nextInt(8)) {
            case 0 -> Arrays.copyOf(in, at);
            case 1 -> remove(in, at, 1 + random.nextInt(Math.min(16, in.length - at)));
            case 2 -> insert(in, at, token());
            case 3 -> replace(in, at, token());
            case 4 -> {
                byte[] out = in.clone();
                out[at] = (byte) random.nextInt(256);
                yield out;
            }
            case 5 -> {
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                yield out;
            }
            case 6 -> insert(in, at, chunk(seeds.get(random.nextInt(seeds.size()))));
            default -> {
                byte[] out = in.clone();
                // an ASCII digit or a small number where a length, count or value may be
                out[at] = (byte) (random.nextBoolean() ? '0' + random.nextInt(10) : random.nextInt(4));
                yield out;
            }
        };
    }

    private byte[] token() {
        return TOKENS.get(random.nextInt(TOKENS.size()));
    }

    private byte[] chunk(byte[] source) {
        if (source.length == 0) {
            return source;
        }
        int from = random.nextInt(source.length);
        return Arrays.copyOfRange(source, from, from + 1 + random.nextInt(Math.min(64, source.length - from)));
    }

    private static byte[] insert(byte[] in, int at, byte[] piece) {
        byte[] out = new byte[in.length + piece.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(in, at, out, at + piece.length, in.length - at);
        return out;
    }

    private static byte[] replace(byte[] in, int at, byte[] piece) {
        byte[] out = in.clone();
        System.arraycopy(piece, 0, out, at, Math.min(piece.length, in.length - at));
        return out;
    }

    private static byte[] remove(byte[] in, int at, int count) {
        byte[] out = new byte[in.length - count];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + count, out, at, in.length - at - count);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
