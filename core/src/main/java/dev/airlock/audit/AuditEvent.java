package dev.airlock.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One thing that happened, as Airlock records it: a type such as {@code "evaluation"} and its
 * fields (JSON-like values: maps with string keys, lists, strings, numbers, booleans and {@code
 * null}). A sink checks the values when it writes them; {@link JsonLinesAuditSink} describes which
 * it accepts and how it writes each, decimals included.
 *
 * <p>A sink adds what makes the log a chain: the sequence number, the time, the previous line's
 * hash and the line's own hash. Field names {@code seq}, {@code ts}, {@code prev}, {@code hash},
 * {@code hmac} and {@code type} are the sink's and may not be used here.
 *
 * <p>Immutable at the top level (the fields map is an unmodifiable copy); Airlock passes nested
 * values that are themselves unmodifiable. Thread-safe when they are.
 *
 * @param type the kind of event, lower kebab case, e.g. {@code "kill-switch"}
 * @param fields the event's content, copied into an unmodifiable map that keeps {@code null}s
 */
public record AuditEvent(String type, Map<String, Object> fields) {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

  /** Field names a sink writes itself; an event may not carry them. */
  public static final java.util.Set<String> RESERVED_FIELDS =
      java.util.Set.of("seq", "ts", "prev", "hash", "hmac", "type");

  /**
   * Validates the type and copies the fields.
   *
   * @throws NullPointerException if {@code type} or {@code fields} is null
   * @throws IllegalArgumentException if {@code type} is not lower kebab case or a field name is
   *     reserved
   */
  public AuditEvent {
    Objects.requireNonNull(type, "type must not be null");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "type must be lower kebab case such as kill-switch, but was '" + type + "'");
    }
    Objects.requireNonNull(fields, "fields must not be null");
    for (String reserved : RESERVED_FIELDS) {
      if (fields.containsKey(reserved)) {
        throw new IllegalArgumentException(
            "fields must not contain '" + reserved + "': the sink writes it itself");
      }
    }
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }
}
