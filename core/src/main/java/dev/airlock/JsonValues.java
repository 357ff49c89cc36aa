package dev.airlock;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, unmodifiable copies of JSON-like values: maps with string keys, lists, strings, numbers,
 * booleans and {@code null}. Unlike {@link Map#copyOf}, JSON {@code null}s are kept.
 *
 * <p>What is accepted here is what the audit log can record: the limits below stay within the
 * audit log's own (64 levels, with the arguments two levels down in an event; numbers of 1,000
 * characters), so a call can never be refused for its arguments only once it reaches the log.
 */
final class JsonValues {
  /** Deeper than any real tool's arguments; stops cyclic or hostile structures early. */
  static final int MAX_DEPTH = 32;
  /** Longer numbers than this are refused; a tool that needs them takes them as strings. */
  static final int MAX_NUMBER_DIGITS = 900;

  private JsonValues() {}

  static Map<String, Object> copyObject(Map<?, ?> map, String path) {
    Checks.notNull(map, path);
    return copyMap(map, path, 0);
  }

  static Object copy(Object value, String path) {
    return copy(value, path, 0);
  }

  private static Object copy(Object value, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          path + " is nested more than " + MAX_DEPTH + " levels deep (or refers to itself)");
    }
    if (value instanceof String string) {
      return checkedText(string, path);
    }
    if (value == null
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return value;
    }
    if (value instanceof BigInteger integer) {
      // From the bit length, never by printing: toString of a hostile million-digit number is slow.
      // bits * log10(2) + 1 is the digit count or one more, so the bound is never looser.
      checkDigits((long) (integer.bitLength() * 0.30103) + 1, path);
      return integer;
    }
    if (value instanceof BigDecimal decimal) {
      // Digits as written out in full: 1E+100000 is short here but a hundred thousand digits long.
      BigDecimal stripped = decimal.stripTrailingZeros();
      long precision = stripped.precision();
      long scale = stripped.scale();
      checkDigits(scale <= 0 ? precision - scale : Math.max(precision, scale + 1) + 1, path);
      return decimal;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(path + " is " + d + ", which JSON cannot hold");
      }
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      return copyMap(map, path, depth);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(copy(list.get(i), path + "[" + i + "]", depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(
        path + " is a " + value.getClass().getName()
            + "; arguments hold only maps with string keys, lists, strings, numbers, booleans"
            + " and null");
  }

  private static Map<String, Object> copyMap(Map<?, ?> map, String path, int depth) {
    Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new IllegalArgumentException(
            path + " has a key that is not a string: " + entry.getKey());
      }
      checkedText(key, path + " key");
      copy.put(key, copy(entry.getValue(), path + "." + key, depth + 1));
    }
    return Collections.unmodifiableMap(copy);
  }

  private static void checkDigits(long digits, String path) {
    if (digits > MAX_NUMBER_DIGITS) {
      throw new IllegalArgumentException(path + " is a number of about " + digits
          + " digits; arguments hold numbers of at most " + MAX_NUMBER_DIGITS + " (pass it as a"
          + " string)");
    }
  }

  /** Text must be Unicode that UTF-8 can hold: no surrogate without its pair. */
  private static String checkedText(String text, String path) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            path + " has an unpaired surrogate at index " + i + ", which is not Unicode text");
      }
    }
    return text;
  }
}
