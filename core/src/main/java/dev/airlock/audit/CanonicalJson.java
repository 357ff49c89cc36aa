package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one canonical JSON form of the audit log, defined in {@link JsonLinesAuditSink}: keys sorted
 * by {@link String#compareTo} at every level, UTF-8, no whitespace, numbers without exponent or
 * floating point. Writing a value, parsing it with {@link #parse} and writing it again gives
 * the same bytes, which is what lets a verifier recompute a line's hash, and what approval grants
 * bind to ({@link #sha256(Map)} over a call's tool, arguments, environment and agent).
 *
 * <pre>{@code
 * String hash = CanonicalJson.sha256(Map.of("tool", "run_sql", "arguments", arguments));
 * }</pre>
 *
 * <p>Thread-safe; not instantiable.
 */
public final class CanonicalJson {
  /** Deeper than any real event; stops cyclic or hostile structures early. */
  static final int MAX_DEPTH = 64;

  /** Longer numbers are refused on both sides, so that anything written can be read back. */
  static final int MAX_NUMBER_LENGTH = 1000;

  // Every feature that shapes the output is pinned, so that a Jackson upgrade that changes a
  // default cannot change the bytes, and with them every hash.
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonWriteFeature.QUOTE_FIELD_NAMES)
          .enable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .disable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
          .disable(JsonWriteFeature.WRITE_NUMBERS_AS_STRINGS)
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNumberLength(MAX_NUMBER_LENGTH).build())
          .build();

  // Floats as BigDecimal: a double would round "0.1000000000000000055" and change the bytes.
  private static final ObjectMapper READER =
      JsonMapper.builder(FACTORY)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final TypeReference<LinkedHashMap<String, Object>> OBJECT =
      new TypeReference<>() {};

  private CanonicalJson() {}

  /**
   * Writes a JSON object in canonical form, as UTF-8.
   *
   * @param object the object; its values must be JSON-like (null, boolean, number, string, list,
   *     map with string keys)
   * @return the canonical bytes
   * @throws NullPointerException if {@code object} is null
   * @throws IllegalArgumentException naming the path of a value that JSON cannot hold
   */
  public static byte[] bytes(Map<String, ?> object) {
    return write(Objects.requireNonNull(object, "object must not be null"), "object");
  }

  /**
   * Returns the SHA-256 of an object's canonical bytes, in lower-case hex: equal for objects that
   * JSON cannot tell apart (key order, {@code 1} and {@code 1.0}), different for any other change.
   *
   * @param object the object; its values must be JSON-like
   * @return 64 hex digits
   * @throws NullPointerException if {@code object} is null
   * @throws IllegalArgumentException naming the path of a value that JSON cannot hold
   */
  public static String sha256(Map<String, ?> object) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(object)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Reads one JSON object written by {@link #bytes(Map)} (or any JSON object): floats as {@link
   * BigDecimal}, duplicate keys and trailing content refused.
   *
   * @param json the JSON text
   * @return the object, in the order of its keys
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if the text is not exactly one JSON object
   */
  public static Map<String, Object> parse(String json) {
    Objects.requireNonNull(json, "json must not be null");
    try {
      return parseObject(json.getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not one JSON object: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Writes a JSON object in canonical form.
   *
   * @param object the object; its values must be JSON-like
   * @param path how messages name the object, e.g. {@code "fields"}
   * @throws IllegalArgumentException naming the path of a value that JSON cannot hold
   */
  static byte[] write(Map<?, ?> object, String path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      writeObject(generator, object, path, 0);
    } catch (IOException e) {
      // Only the generator can fail here, and writing to memory does not.
      throw new UncheckedIOException("could not write canonical JSON", e);
    }
    return out.toByteArray();
  }

  /**
   * Parses one JSON object, floats as {@link BigDecimal}, duplicate keys and trailing content
   * refused.
   *
   * @throws JsonProcessingException if the bytes are not exactly one JSON object
   */
  static Map<String, Object> parseObject(byte[] json) throws JsonProcessingException {
    try {
      return READER.readValue(json, OBJECT);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      // Reading from a byte array fails only as JSON does.
      throw new UncheckedIOException("could not read JSON from memory", e);
    }
  }

  private static void writeValue(JsonGenerator g, Object value, String path, int depth)
      throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String s) {
      g.writeString(checkUnicode(s, path));
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Number n) {
      g.writeNumber(number(n, path));
    } else if (value instanceof Map<?, ?> map) {
      writeObject(g, map, path, depth + 1);
    } else if (value instanceof List<?> list) {
      checkDepth(path, depth + 1);
      g.writeStartArray();
      for (int i = 0; i < list.size(); i++) {
        writeValue(g, list.get(i), path + "[" + i + "]", depth + 1);
      }
      g.writeEndArray();
    } else {
      throw new IllegalArgumentException(
          path + " is a " + value.getClass().getName()
              + "; audit events hold only maps with string keys, lists, strings, numbers,"
              + " booleans and null");
    }
  }

  private static void writeObject(JsonGenerator g, Map<?, ?> map, String path, int depth)
      throws IOException {
    checkDepth(path, depth);
    List<String> keys = new ArrayList<>(map.size());
    for (Object key : map.keySet()) {
      if (!(key instanceof String s)) {
        throw new IllegalArgumentException(path + " has a key that is not a string: " + key);
      }
      keys.add(checkUnicode(s, path + " key"));
    }
    keys.sort(null);
    g.writeStartObject();
    for (String key : keys) {
      g.writeFieldName(key);
      writeValue(g, map.get(key), path + "." + key, depth);
    }
    g.writeEndObject();
  }

  /** The number as JSON text: integers as they are, other numbers as plain decimals. */
  private static String number(Number n, String path) {
    String text;
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger) {
      text = n.toString();
    } else if (n instanceof BigDecimal d) {
      text = plain(d, path);
    } else if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(path + " is " + d + ", which JSON cannot hold");
      }
      text = plain(shortest(n), path);
    } else {
      throw new IllegalArgumentException(
          path + " is a " + n.getClass().getName() + "; audit numbers are Integer, Long, Short,"
              + " Byte, BigInteger, BigDecimal, Double or Float");
    }
    checkLength(text.length(), path);
    return text;
  }

  /**
   * The shortest decimal that reads back as the same double (or float), the nearest one where
   * several are as short. Computed from the exact binary value, not from {@code Double.toString},
   * whose digits changed between JDK 17 and 19: the same number must hash the same everywhere.
   */
  static BigDecimal shortest(Number n) {
    boolean isFloat = n instanceof Float;
    BigDecimal exact = new BigDecimal(n.doubleValue()); // a float widens to a double exactly
    if (exact.signum() == 0) {
      return BigDecimal.ZERO;
    }
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      boolean same = isFloat
          ? candidate.floatValue() == n.floatValue()
          : candidate.doubleValue() == n.doubleValue();
      if (same) {
        return candidate;
      }
    }
    // 17 significant digits tell every double apart.
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }

  private static String plain(BigDecimal d, String path) {
    if (d.signum() == 0) {
      return "0";
    }
    // stripTrailingZeros makes 1.50 and 1.5 one number, and an integral 2.0 the JSON integer 2.
    BigDecimal stripped = d.stripTrailingZeros();
    // Measured before toPlainString, which would spell out 1E+100000000 in full.
    long precision = stripped.precision();
    long scale = stripped.scale();
    long digits = scale <= 0 ? precision - scale : Math.max(precision, scale + 1) + 1;
    checkLength(digits, path);
    return stripped.toPlainString();
  }

  private static void checkLength(long length, String path) {
    if (length > MAX_NUMBER_LENGTH) {
      throw new IllegalArgumentException(path + " is a number of " + length
          + " characters or more, beyond the " + MAX_NUMBER_LENGTH + " a log line may hold;"
          + " record it as a string");
    }
  }

  private static void checkDepth(String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          path + " is nested more than " + MAX_DEPTH + " levels deep (or refers to itself)");
    }
  }

  // A lone surrogate has no UTF-8 form; writing it would make a line that cannot be read back.
  private static String checkUnicode(String s, String path) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            path + " has an unpaired surrogate at index " + i + ", which UTF-8 cannot hold");
      }
    }
    return s;
  }
}
