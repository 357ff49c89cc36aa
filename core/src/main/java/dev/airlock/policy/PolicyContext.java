package dev.airlock.policy;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.RowEstimate;
import dev.airlock.StagingRun;
import dev.airlock.sql.SqlAnalysis;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What Airlock knows about a call when its policies vote, beyond the {@link dev.airlock.ToolCall}
 * itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param environment the declared environment the call is bound to
 * @param effect the call's effect: the tool's declared effect, or {@link Effect#UNKNOWN} for a tool
 *     that declared none; for a SQL tool the more severe of that and the analysed effect
 * @param sqlAnalysis for a SQL tool, the analysis of the statement it carries; null for other
 *     tools (read it through {@link #sql()})
 * @param rowEstimate for SQL that writes, run through a data source that can count, the rows it
 *     would touch; null otherwise (read it through {@link #rows()})
 * @param stagingRun for a destructive SQL statement on production, the newest successful run of
 *     the same statement on a staging environment that mirrors it; null otherwise (read it
 *     through {@link #staging()})
 * @param now the time of the decision, from the Airlock's clock
 */
public record PolicyContext(
    Environment environment,
    Effect effect,
    SqlAnalysis sqlAnalysis,
    RowEstimate rowEstimate,
    StagingRun stagingRun,
    Instant now) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code environment}, {@code effect} or {@code now} is null
   */
  public PolicyContext {
    Objects.requireNonNull(environment, "environment must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
    Objects.requireNonNull(now, "now must not be null");
  }

  /**
   * The context of a call without staging evidence, decided now.
   *
   * @throws NullPointerException if {@code environment} or {@code effect} is null
   */
  public PolicyContext(
      Environment environment, Effect effect, SqlAnalysis sqlAnalysis, RowEstimate rowEstimate) {
    this(environment, effect, sqlAnalysis, rowEstimate, null, Instant.now());
  }

  /**
   * The context of a call whose rows were not estimated.
   *
   * @throws NullPointerException if {@code environment} or {@code effect} is null
   */
  public PolicyContext(Environment environment, Effect effect, SqlAnalysis sqlAnalysis) {
    this(environment, effect, sqlAnalysis, null);
  }

  /**
   * The context of a call that carries no SQL.
   *
   * @throws NullPointerException if an argument is null
   */
  public PolicyContext(Environment environment, Effect effect) {
    this(environment, effect, null, null);
  }

  /**
   * The analysis of the SQL the call carries.
   *
   * @return the analysis, or empty for a tool that is not a SQL tool
   */
  public Optional<SqlAnalysis> sql() {
    return Optional.ofNullable(sqlAnalysis);
  }

  /**
   * The rows the call's SQL would touch, estimated before the vote.
   *
   * @return the estimate, or empty when the rows were not estimated (a read, a tool that is not a
   *     SQL tool, or a call not run through a data source that counts)
   */
  public Optional<RowEstimate> rows() {
    return Optional.ofNullable(rowEstimate);
  }

  /**
   * The staging evidence.
   *
   * @return the newest staging run of the same statement, or empty
   */
  public Optional<StagingRun> staging() {
    return Optional.ofNullable(stagingRun);
  }
}
