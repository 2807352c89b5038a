package dev.headwise.io;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one Jackson mapper headwise reads and writes JSON with, configured here and nowhere else: callers must
 * not reconfigure {@link #MAPPER} (that would change every reader and writer in the process); a reader that
 * needs stricter parsing takes one of the immutable readers below.
 */
public final class Json {
    /** Jackson's defaults: trees, conversions, compact output. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** Indented output, for the files people read (configs, metrics, splits). */
    public static final ObjectWriter INDENTED = MAPPER.writerWithDefaultPrettyPrinter();
    /** Refuses a key given twice, which a lenient parser would silently resolve to the last value. */
    public static final ObjectReader NO_DUPLICATES = MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    /** As {@link #NO_DUPLICATES}, and refuses anything after the value. */
    public static final ObjectReader STRICT = NO_DUPLICATES.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}
}
