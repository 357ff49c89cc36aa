package dev.airlock;

import java.util.List;
import java.util.OptionalLong;

/**
 * How many rows a statement that writes would touch, found out before the policies vote: the
 * database's plan estimate, an exact count of the rows its predicate selects, or both. Policies
 * ({@link dev.airlock.policy.RowLimit}) and approvers read it; the count used is {@link #rows()}.
 *
 * <p>Both figures are taken before the statement runs, so rows written in between, rows removed by
 * {@code ON DELETE CASCADE} and rows changed by triggers are not in them; {@link #notes()} says
 * what is not counted. Immutable and thread-safe.
 *
 * @param plannedRows the database's plan estimate, or null when there is none (see {@link
 *     #planned()})
 * @param exactRows the exact number of rows the statement's predicate selects now, or null (see
 *     {@link #exact()})
 * @param notes what the figures leave out or why one is missing, e.g. "rows removed by ON DELETE
 *     CASCADE from order_items are not counted"
 */
public record RowEstimate(Long plannedRows, Long exactRows, List<String> notes) {

  /**
   * Validates the components and copies the notes.
   *
   * @throws NullPointerException if {@code notes} or a note is null
   * @throws IllegalArgumentException if a figure is negative
   */
  public RowEstimate {
    if (plannedRows != null && plannedRows < 0 || exactRows != null && exactRows < 0) {
      throw new IllegalArgumentException(
          "row figures must not be negative, but were " + plannedRows + " and " + exactRows);
    }
    notes = List.copyOf(Checks.notNull(notes, "notes"));
  }

  /**
   * An estimate with no figure at all, and why.
   *
   * @param why why the rows could not be estimated or counted
   * @return the estimate
   * @throws NullPointerException if {@code why} is null
   */
  public static RowEstimate unavailable(String why) {
    return new RowEstimate(null, null, List.of(Checks.notBlank(why, "why")));
  }

  /** The database's plan estimate, if it gave one. */
  public OptionalLong planned() {
    return plannedRows == null ? OptionalLong.empty() : OptionalLong.of(plannedRows);
  }

  /** The exact count of the rows the predicate selects, if it could be counted. */
  public OptionalLong exact() {
    return exactRows == null ? OptionalLong.empty() : OptionalLong.of(exactRows);
  }

  /** The figure to judge by: the exact count where there is one, else the plan estimate. */
  public OptionalLong rows() {
    return exactRows != null ? exact() : planned();
  }

  /** A short text for reasons and approvers, e.g. {@code "1206 rows (exact count; plan: 1100)"}. */
  public String describe() {
    String text;
    if (exactRows != null) {
      text = exactRows + " rows (exact count" + (plannedRows != null ? "; plan: " + plannedRows : "")
          + ")";
    } else if (plannedRows != null) {
      text = plannedRows + " rows (plan estimate)";
    } else {
      text = "an unknown number of rows";
    }
    return notes.isEmpty() ? text : text + "; " + String.join("; ", notes);
  }
}
