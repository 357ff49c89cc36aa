package dev.airlock.jdbc;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Masks values in what a {@link GuardedDataSource} hands back to an agent, e.g. every cell of a
 * column named {@code email}. Off by default ({@link #none()}). Airlock's audit events hold the
 * statements and bind parameters an agent sent, never the rows it read, so result values reach
 * neither the log nor the model unredacted.
 */
@FunctionalInterface
public interface Redactor {

  /**
   * Returns the value to show for one cell.
   *
   * @param column the column's label as the database reports it
   * @param value the cell as text, or null for SQL NULL
   * @return the value to show, e.g. {@code "***"}
   */
  String redact(String column, String value);

  /**
   * Shows every value as it is.
   *
   * @return the redactor that changes nothing
   */
  static Redactor none() {
    return (column, value) -> value;
  }

  /**
   * Shows {@code ***} instead of every non-null value of the named columns, compared without
   * case.
   *
   * @param columns the column labels to mask, e.g. {@code "email", "ssn"}
   * @return the redactor
   * @throws NullPointerException if a name is null
   */
  static Redactor maskColumns(String... columns) {
    Set<String> masked = Stream.of(columns)
        .map(c -> Objects.requireNonNull(c, "column").toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    return (column, value) ->
        value != null && column != null && masked.contains(column.toLowerCase(Locale.ROOT))
            ? "***" : value;
  }
}
