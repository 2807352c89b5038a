package dev.headwise.weights.onnx;

import dev.headwise.HeadwiseException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX {@code TensorProto}, validated: {@code data} holds exactly {@code elementCount()} elements of
 * {@code dataType} in little-endian order, whichever field of the file they came from (raw_data or one of
 * the typed repeated fields). Tensors of types headwise does not read keep their raw bytes unvalidated.
 *
 * @param name the tensor name (initializer name), possibly empty for attribute values
 * @param dataType the ONNX {@code TensorProto.DataType} number
 * @param dims the shape; empty for a scalar
 * @param data little-endian element data; read it through {@link #toFloats()} or {@link #toLongs()}
 */
public record TensorProto(String name, int dataType, long[] dims, ByteBuffer data) {
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int UINT16 = 4;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int UINT32 = 12;
    public static final int UINT64 = 13;
    public static final int BFLOAT16 = 16;

    private static final int DATA_LOCATION_EXTERNAL = 1;

    public TensorProto {
        dims = dims.clone();
        data = data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A fresh read-only view, so one reader's position never disturbs another's. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    /** Product of the dims (1 for a scalar); validated to fit an int when the tensor was read. */
    public int elementCount() {
        return (int) checkedCount(dims);
    }

    public boolean isFloatingPoint() {
        return dataType == FLOAT || dataType == FLOAT16 || dataType == BFLOAT16 || dataType == DOUBLE;
    }

    public boolean isInteger() {
        return switch (dataType) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, UINT32, UINT64 -> true;
            default -> false;
        };
    }

    /** The values as float32, widening or narrowing from the stored floating-point type. */
    public float[] toFloats() {
        ByteBuffer b = data();
        float[] out = new float[elementCount()];
        switch (dataType) {
            case FLOAT -> b.asFloatBuffer().get(out);
            case FLOAT16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(b.getShort());
                }
            }
            case BFLOAT16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) b.getDouble();
                }
            }
            default -> throw new HeadwiseException(
                    "The ONNX tensor '" + name + "' has data type " + dataType + ", not a floating-point type.");
        }
        return out;
    }

    /** The values of an integer tensor as longs (unsigned types read unsigned; uint64 above 2^63 wraps). */
    public long[] toLongs() {
        ByteBuffer b = data();
        long[] out = new long[elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dataType) {
                case INT8 -> b.get();
                case UINT8, BOOL -> b.get() & 0xFF;
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xFFFF;
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xFFFF_FFFFL;
                case INT64, UINT64 -> b.getLong();
                default -> throw new HeadwiseException(
                        "The ONNX tensor '" + name + "' has data type " + dataType + ", not an integer type.");
            };
        }
        return out;
    }

    /** Bytes per element, or 0 for types headwise does not read (strings, complex, 4/8-bit floats). */
    static int elementSize(int dataType) {
        return switch (dataType) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
            case FLOAT, INT32, UINT32 -> 4;
            case INT64, DOUBLE, UINT64 -> 8;
            default -> 0;
        };
    }

    static TensorProto read(ProtoReader r) {
        String name = "";
        int dataType = 0;
        boolean external = false;
        ByteBuffer raw = null;
        ProtoReader.LongList dims = new ProtoReader.LongList();
        ProtoReader.LongList floats = new ProtoReader.LongList();
        ProtoReader.LongList int32s = new ProtoReader.LongList();
        ProtoReader.LongList int64s = new ProtoReader.LongList();
        ProtoReader.LongList doubles = new ProtoReader.LongList();
        ProtoReader.LongList uint64s = new ProtoReader.LongList();
        while (r.nextField()) {
            switch (r.field()) {
                case 1 -> r.repeatedVarint(dims);
                case 2 -> dataType = r.intValue();
                case 3 -> throw r.malformed("segmented tensors are not supported");
                case 4 -> r.repeatedFixed32(floats);
                case 5 -> r.repeatedVarint(int32s);
                case 7 -> r.repeatedVarint(int64s);
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 10 -> r.repeatedFixed64(doubles);
                case 11 -> r.repeatedVarint(uint64s);
                case 13 -> {
                    external = true;
                    r.skip();
                }
                case 14 -> external |= r.intValue() == DATA_LOCATION_EXTERNAL;
                default -> r.skip();
            }
        }
        if (external) {
            throw new HeadwiseException("The ONNX file " + r.source() + " keeps tensor '" + name
                    + "' in an external data file, which headwise cannot read; export the model with its weights embedded.");
        }
        long[] shape = dims.toArray();
        long count;
        try {
            count = checkedCount(shape);
        } catch (IllegalArgumentException e) {
            throw r.malformed("tensor '" + name + "' has the invalid shape " + Arrays.toString(shape));
        }
        int size = elementSize(dataType);
        ProtoReader.LongList typed = switch (dataType) {
            case FLOAT -> floats;
            case DOUBLE -> doubles;
            case INT64 -> int64s;
            case UINT32, UINT64 -> uint64s;
            default -> int32s;
        };
        long stored = raw != null ? raw.remaining() : (long) typed.size() * size;
        if (size > 0 && stored != count * size) {
            throw r.malformed("tensor '" + name + "' has " + stored + " bytes of data but its shape "
                    + Arrays.toString(shape) + " of data type " + dataType + " needs " + count * size);
        }
        ByteBuffer data = raw != null ? raw : pack(typed, size);
        return new TensorProto(name, dataType, shape, data);
    }

    /** Element count of a shape; rejects negative dims and counts beyond an int (no Java array could hold them). */
    private static long checkedCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension");
            }
            if (d != 0 && count > Integer.MAX_VALUE / d) {
                throw new IllegalArgumentException("too many elements");
            }
            count *= d;
        }
        return count;
    }

    private static ByteBuffer pack(ProtoReader.LongList values, int size) {
        ByteBuffer out = ByteBuffer.allocate(values.size() * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            for (int k = 0; k < size; k++) {
                out.put((byte) (v >>> (8 * k)));
            }
        }
        return out.flip();
    }
}
