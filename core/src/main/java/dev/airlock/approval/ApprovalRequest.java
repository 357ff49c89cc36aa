package dev.airlock.approval;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.Reason;
import dev.airlock.RowEstimate;
import dev.airlock.StagingRun;
import dev.airlock.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a person is asked to approve: the exact call, where it would run, its effect, the rows it
 * would touch, the evidence from staging, who asks and why, and every reason the policies gave.
 *
 * <p>For a SQL tool, {@link #sql()} is the exact text the database would run, byte for byte, and
 * {@link #formattedSql()} a copy re-flowed for reading from the analyser's tokens, in which no
 * comment is dropped (a MySQL {@code /*! … *}{@code /} payload is shown as what it is). An approver
 * must show the exact text too: the formatted copy helps reading it, it does not replace it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requestId unique id of this request, which the model is told and a person answers
 * @param call the exact call, arguments included
 * @param environment the environment it would run on
 * @param effect its effect
 * @param reasons every reason the policies gave, the ones asking for approval first
 * @param sql the exact SQL text for a SQL tool, or {@code null}
 * @param formattedSql the SQL re-flowed for reading, every comment kept, or {@code null}
 * @param tables the tables the SQL reads or changes, changed ones first
 * @param rows the estimated and exactly counted rows it would touch, or {@code null} when not
 *     estimated
 * @param maxRows the row ceiling asked for: approving lets the write change at most this many
 *     rows (more are rolled back), or {@code null} when no policy bounds the rows
 * @param staging the successful run of the same statement on the staging mirror, or {@code null}
 * @param requestedAt when Airlock asked
 * @param expiresAt when the request lapses unanswered
 */
public record ApprovalRequest(
    String requestId,
    ToolCall call,
    Environment environment,
    Effect effect,
    List<Reason> reasons,
    String sql,
    String formattedSql,
    List<String> tables,
    RowEstimate rows,
    Long maxRows,
    StagingRun staging,
    Instant requestedAt,
    Instant expiresAt) {

  /**
   * Validates the components and copies the lists.
   *
   * @throws NullPointerException if a required component is null
   */
  public ApprovalRequest {
    Objects.requireNonNull(requestId, "requestId must not be null");
    Objects.requireNonNull(call, "call must not be null");
    Objects.requireNonNull(environment, "environment must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
    reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons must not be null"));
    tables = List.copyOf(Objects.requireNonNull(tables, "tables must not be null"));
    Objects.requireNonNull(requestedAt, "requestedAt must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
  }

  /**
   * The agent that asks: the principal that may never approve this request.
   *
   * @return the agent's principal
   */
  public String agent() {
    return call.agent();
  }

  /**
   * The agent's session, if the call named one.
   *
   * @return the session id, or empty
   */
  public Optional<String> session() {
    return Optional.ofNullable(call.sessionId());
  }

  /**
   * The reason the agent gave for the call, in its own words.
   *
   * @return the stated reason, or empty
   */
  public Optional<String> statedReason() {
    return Optional.ofNullable(call.reason());
  }

  /**
   * The row ceiling asked for.
   *
   * @return the ceiling, or empty when no policy bounds the rows
   */
  public OptionalLong rowCeiling() {
    return maxRows == null ? OptionalLong.empty() : OptionalLong.of(maxRows);
  }

  /**
   * The staging evidence.
   *
   * @return the staging run of the same statement, or empty
   */
  public Optional<StagingRun> stagingRun() {
    return Optional.ofNullable(staging);
  }
}
