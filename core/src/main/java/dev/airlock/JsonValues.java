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
 */
final class JsonValues {
  /** Deeper than any real tool's arguments; stops cyclic or hostile structures early. */
  static final int MAX_DEPTH = 64;

  private JsonValues() {}

  static Map<String, Object> copyObject(Map<?, ?> map, String path) {
    Checks.notNull(map, path);
    return copyMap(map, path, 0);
  }

  private static Object copy(Object value, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(
          path + " is nested more than " + MAX_DEPTH + " levels deep (or refers to itself)");
    }
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof BigInteger) {
      return value;
    }
    if (value instanceof BigDecimal decimal) {
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
      copy.put(key, copy(entry.getValue(), path + "." + key, depth + 1));
    }
    return Collections.unmodifiableMap(copy);
  }
}
