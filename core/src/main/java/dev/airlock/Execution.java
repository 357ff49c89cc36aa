package dev.airlock;

import dev.airlock.sql.SqlAnalysis;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One allowed call while it runs, as a {@link GuardedAction} sees it: the decision that allowed
 * it, the row ceiling a write must stay within, the analysis of its SQL, and what the work records
 * about itself (where it ran, the rows it affected), which goes into the audit event of its
 * outcome. The work can still refuse the call ({@link #refuse}) when the database shows that it
 * may not complete, e.g. when a write touched more rows than allowed.
 *
 * <p>Confined to the thread that runs the work.
 */
public final class Execution {
  private final ToolCall call;
  private final Decision decision;
  private final SqlAnalysis analysis;
  private final RowEstimate rows;
  private final Map<String, Object> details = new LinkedHashMap<>();
  private Long rowsChanged;
  private boolean rowsReported;

  Execution(ToolCall call, Decision decision, SqlAnalysis analysis, RowEstimate rows) {
    this.call = call;
    this.decision = decision;
    this.analysis = analysis;
    this.rows = rows;
  }

  /** The call being run. */
  public ToolCall call() {
    return call;
  }

  /** The decision that allowed the call. */
  public Decision decision() {
    return decision;
  }

  /**
   * The most rows the call may change: the approved ceiling, or the threshold under which its tier
   * lets writes run without approval. Empty when no policy bounds it.
   */
  public OptionalLong rowCeiling() {
    return decision.rowCeiling();
  }

  /** The analysis of the call's SQL, for a SQL tool. */
  public Optional<SqlAnalysis> sql() {
    return Optional.ofNullable(analysis);
  }

  /** The rows the call's SQL was estimated to touch, when they were estimated. */
  public Optional<RowEstimate> rowEstimate() {
    return Optional.ofNullable(rows);
  }

  /**
   * Records a fact about the run in the audit event of its outcome, e.g. {@code ("rows", 12)} or
   * {@code ("ranOn", "orders-replica")}. A later value for the same key replaces the earlier one.
   *
   * @param key the field name
   * @param value a JSON-like value: null, a string, a number, a boolean, or a list or map of them
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is blank or the value is not JSON-like
   */
  public void record(String key, Object value) {
    Checks.notBlank(key, "key");
    details.put(key, JsonValues.copy(value, key));
  }

  /**
   * Records how many rows the work changed, as {@code "rowsChanged"} in the audit event of its
   * outcome. On a staging environment that mirrors production, a run that reported its rows and
   * returned normally becomes the staging evidence that the approval request for production
   * shows; work that never reports its rows leaves no evidence.
   *
   * @param rows the rows changed, or null when the work cannot tell (e.g. a nested write)
   * @throws IllegalArgumentException if {@code rows} is negative
   */
  public void rowsChanged(Long rows) {
    if (rows != null && rows < 0) {
      throw new IllegalArgumentException("rows must not be negative, but was " + rows);
    }
    this.rowsChanged = rows;
    this.rowsReported = true;
    details.put("rowsChanged", rows);
  }

  /**
   * A refusal of this call found while running it, for the work to throw: Airlock records the
   * outcome as refused, with this reason first and the decision's reasons after it.
   *
   * @param code the reason's code, e.g. {@link ReasonCode#ROW_LIMIT_EXCEEDED}
   * @param policy who refuses, e.g. {@code "jdbc"}
   * @param message the reason, in words a model and a person can read
   * @return the exception to throw
   * @throws NullPointerException if an argument is null
   */
  public ToolCallRefusedException refuse(ReasonCode code, String policy, String message) {
    List<Reason> reasons = new ArrayList<>();
    reasons.add(new Reason(code, policy, message));
    reasons.addAll(decision.reasons());
    return new ToolCallRefusedException(call.tool(),
        new Decision.Deny(decision.id(), decision.callId(), decision.effect(), reasons));
  }

  /** The rows the work reported changing, or null. */
  Long changedRows() {
    return rowsChanged;
  }

  /** Whether the work reported what it changed at all. */
  boolean reportedRows() {
    return rowsReported;
  }

  Map<String, Object> details() {
    return Collections.unmodifiableMap(details);
  }
}
