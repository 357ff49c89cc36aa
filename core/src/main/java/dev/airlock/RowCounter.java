package dev.airlock;

import dev.airlock.sql.SqlAnalysis;

/**
 * Estimates and counts the rows a SQL call that writes would touch, before the policies vote on
 * it. {@link dev.airlock.jdbc.GuardedDataSource} supplies one that asks the database inside a
 * read-only transaction; {@link Airlock#execute(ToolCall, RowCounter, GuardedAction)} calls it only
 * for a SQL tool whose analysis is not {@link Effect#READ}.
 */
@FunctionalInterface
public interface RowCounter {

  /**
   * Estimates the rows the call's SQL would touch.
   *
   * @param analysis the analysis of the call's SQL
   * @return the estimate; {@link RowEstimate#unavailable(String)} when there is none
   * @throws Exception when the database could not be asked; Airlock then judges the call as one
   *     whose rows are unknown, and fails closed
   */
  RowEstimate count(SqlAnalysis analysis) throws Exception;
}
