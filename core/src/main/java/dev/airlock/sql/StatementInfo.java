package dev.airlock.sql;

import dev.airlock.Effect;
import dev.airlock.Reason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the analyser found out about one statement. Immutable.
 *
 * @param kind the statement's leading keyword in upper case ({@code SELECT}, {@code DELETE},
 *     {@code CREATE}, {@code EXPLAIN}…), or {@code ""} when the text starts with no keyword
 * @param effect what the statement may do
 * @param reasons why it has that effect, the deciding reasons first
 * @param tablesRead tables the statement reads, as written (lower case unless quoted)
 * @param tablesWritten tables the statement changes, creates or drops
 * @param where what its WHERE clause says about the rows it touches
 * @param functions the functions it calls, as written (lower case, qualified if written so)
 * @param rowLimit the constant row LIMIT of the top-level query, or null (see {@link #limit()})
 * @param locking a locking clause such as {@code FOR UPDATE}, or null (see {@link
 *     #lockingClause()})
 * @param into where a {@code SELECT … INTO} writes (a table, a file, a variable), or null (see
 *     {@link #intoTarget()})
 */
public record StatementInfo(
    String kind,
    Effect effect,
    List<Reason> reasons,
    Set<String> tablesRead,
    Set<String> tablesWritten,
    WhereClause where,
    List<String> functions,
    Long rowLimit,
    String locking,
    String into) {

  /** Copies every collection, so an analysis can be cached and shared. */
  public StatementInfo {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(effect, "effect");
    reasons = List.copyOf(reasons);
    tablesRead = Set.copyOf(tablesRead);
    tablesWritten = Set.copyOf(tablesWritten);
    Objects.requireNonNull(where, "where");
    functions = List.copyOf(functions);
  }

  /** The constant row LIMIT of the top-level query, if it has one. */
  public OptionalLong limit() {
    return rowLimit == null ? OptionalLong.empty() : OptionalLong.of(rowLimit);
  }

  /** The locking clause, such as {@code FOR UPDATE}, if the statement has one. */
  public Optional<String> lockingClause() {
    return Optional.ofNullable(locking);
  }

  /** Where a {@code SELECT … INTO} writes (a table, a file, a variable), if it does. */
  public Optional<String> intoTarget() {
    return Optional.ofNullable(into);
  }
}
