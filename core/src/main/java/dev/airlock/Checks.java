package dev.airlock;

import java.util.Objects;

/** Argument checks whose messages name the argument; shared by the public types of this package. */
final class Checks {
  private Checks() {}

  static <T> T notNull(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  static String notBlank(String value, String name) {
    notNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, but was '" + value + "'");
    }
    return value;
  }

  /** Returns {@code null} for {@code null}; otherwise the value, which must not be blank. */
  static String nullOrNotBlank(String value, String name) {
    return value == null ? null : notBlank(value, name);
  }
}
