package dev.airlock.approval;

import java.util.Objects;

/**
 * A person's answer to an {@link ApprovalRequest}: approved or rejected, by whom, with an optional
 * comment and, for an approval, an optional row ceiling lower than the one asked for.
 *
 * <pre>{@code
 * ApprovalDecision.approve("alice@example.com", "checked the 12 rows");
 * ApprovalDecision.approveUpTo("alice@example.com", 10, "no more than the ten stale ones");
 * ApprovalDecision.reject("bob@example.com", "this is the whole table");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param approved whether the call may run
 * @param by the principal of the person who decided; never the agent's own
 * @param comment what they said, or {@code null}
 * @param maxRows for an approval, the most rows the write may change when lower than the ceiling
 *     asked for, or {@code null} to approve the ceiling asked for; always null for a rejection
 */
public record ApprovalDecision(boolean approved, String by, String comment, Long maxRows) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank, {@code maxRows} is negative, or a
   *     rejection names a row ceiling
   */
  public ApprovalDecision {
    Objects.requireNonNull(by, "by must not be null");
    if (by.isBlank()) {
      throw new IllegalArgumentException("by must name who decided, but was blank");
    }
    if (maxRows != null && maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative, but was " + maxRows);
    }
    if (maxRows != null && !approved) {
      throw new IllegalArgumentException("a rejection approves no rows, but maxRows was "
          + maxRows);
    }
  }

  /**
   * A decision that keeps the ceiling asked for.
   *
   * @param approved whether the call may run
   * @param by who decided
   * @param comment what they said, or {@code null}
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank
   */
  public ApprovalDecision(boolean approved, String by, String comment) {
    this(approved, by, comment, null);
  }

  /**
   * An approval of the call with the row ceiling it asked for.
   *
   * @param by who approved
   * @param comment what they said, or {@code null}
   * @return the decision
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank
   */
  public static ApprovalDecision approve(String by, String comment) {
    return new ApprovalDecision(true, by, comment, null);
  }

  /**
   * An approval that holds the write to at most {@code maxRows} rows; a ceiling above the one
   * asked for does not raise it (the lower of the two holds).
   *
   * @param by who approved
   * @param maxRows the most rows the write may change
   * @param comment what they said, or {@code null}
   * @return the decision
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank or {@code maxRows} is negative
   */
  public static ApprovalDecision approveUpTo(String by, long maxRows, String comment) {
    return new ApprovalDecision(true, by, comment, maxRows);
  }

  /**
   * A rejection.
   *
   * @param by who rejected
   * @param comment what they said, or {@code null}
   * @return the decision
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank
   */
  public static ApprovalDecision reject(String by, String comment) {
    return new ApprovalDecision(false, by, comment, null);
  }
}
