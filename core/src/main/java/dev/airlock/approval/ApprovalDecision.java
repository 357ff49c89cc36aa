package dev.airlock.approval;

import java.util.Objects;

/**
 * A person's answer to an {@link ApprovalRequest}.
 *
 * <pre>{@code
 * ApprovalDecision.approve("alice@example.com", "checked the 12 rows");
 * ApprovalDecision.reject("bob@example.com", "this is the whole table");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param approved whether the call may run
 * @param by the principal of the person who decided; never the agent's own
 * @param comment what they said, or {@code null}
 */
public record ApprovalDecision(boolean approved, String by, String comment) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank
   */
  public ApprovalDecision {
    Objects.requireNonNull(by, "by must not be null");
    if (by.isBlank()) {
      throw new IllegalArgumentException("by must name who decided, but was blank");
    }
  }

  /**
   * An approval.
   *
   * @param by who approved
   * @param comment what they said, or {@code null}
   * @return the decision
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank
   */
  public static ApprovalDecision approve(String by, String comment) {
    return new ApprovalDecision(true, by, comment);
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
    return new ApprovalDecision(false, by, comment);
  }
}
