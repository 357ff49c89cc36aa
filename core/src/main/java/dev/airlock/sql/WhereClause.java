package dev.airlock.sql;

/** What a statement's WHERE clause says about how many rows it can touch. */
public enum WhereClause {
  /** The statement has no WHERE clause to speak of (a SELECT, an INSERT, DDL). */
  NOT_APPLICABLE,
  /** A DELETE or UPDATE without a WHERE clause: every row. */
  ABSENT,
  /**
   * A WHERE clause that is always true by its text alone ({@code 1=1}, {@code id=id}, {@code x
   * LIKE '%'}, {@code x IS NULL OR x IS NOT NULL}, anything OR-ed with one of these): every row.
   */
  ALWAYS_TRUE,
  /** A WHERE clause that may select fewer rows than the whole table. */
  PRESENT
}
