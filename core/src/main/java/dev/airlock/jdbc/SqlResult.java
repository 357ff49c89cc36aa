package dev.airlock.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What one statement returned through a {@link GuardedDataSource}: the columns and rows of a
 * result (at most the data source's {@code maxRows}, each cell at most {@code maxCellChars}
 * characters, redacted as configured) or the number of rows a write changed. Immutable.
 *
 * @param statement the statement, as it ran
 * @param columns the column labels, empty for a statement without a result
 * @param rows the rows, each cell as text ({@code null} for SQL NULL)
 * @param truncated whether the result had more rows than {@code rows} holds
 * @param updateCount for a write, the rows it changed; null for a read (see {@link
 *     #rowsChanged()})
 * @param ranOn the name of the environment whose database ran it (a replica for routed reads)
 */
public record SqlResult(
    String statement,
    List<String> columns,
    List<List<String>> rows,
    boolean truncated,
    Long updateCount,
    String ranOn) {

  /**
   * Validates the components and copies the lists.
   *
   * @throws NullPointerException if a component other than {@code updateCount} is null
   */
  public SqlResult {
    Objects.requireNonNull(statement, "statement");
    columns = List.copyOf(columns);
    List<List<String>> copy = new ArrayList<>(rows.size());
    for (List<String> row : rows) {
      copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = java.util.Collections.unmodifiableList(copy);
    Objects.requireNonNull(ranOn, "ranOn");
  }

  /** The rows a write changed, if the statement was a write that reported them. */
  public OptionalLong rowsChanged() {
    return updateCount == null ? OptionalLong.empty() : OptionalLong.of(updateCount);
  }
}
