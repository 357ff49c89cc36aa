package dev.airlock.policy;

import dev.airlock.ReasonCode;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One policy's vote on a call. Airlock combines the votes of every policy; the most restrictive
 * wins ({@code DENY > NEEDS_APPROVAL > ALLOW}) and every reason is kept. A policy that has nothing
 * to say {@linkplain #abstain() abstains}.
 *
 * <pre>{@code
 * return outsideBusinessHours()
 *     ? Vote.needsApproval(ReasonCode.of("OUTSIDE_BUSINESS_HOURS"), "writes after 18:00 need a person")
 *     : Vote.abstain();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict what the policy votes
 * @param code why, as a code; {@code null} only when abstaining
 * @param message why, in words safe to show a model; {@code null} only when abstaining
 * @param maxRows for an allow, the most rows the call may change; for a request for approval, the
 *     ceiling a person is asked to approve; null when the policy does not bound rows (see {@link
 *     #rowCeiling()}). Airlock holds the call to the lowest ceiling among the winning votes.
 */
public record Vote(Verdict verdict, ReasonCode code, String message, Long maxRows) {
  private static final Vote ABSTAIN = new Vote(Verdict.ABSTAIN, null, null, null);

  /** What a policy votes, from least to most restrictive. */
  public enum Verdict {
    /** The policy has nothing to say about this call. */
    ABSTAIN(0),
    /** The call may run, as far as this policy is concerned. */
    ALLOW(1),
    /** The call may run only once a person approves it. */
    NEEDS_APPROVAL(2),
    /** The call may not run. */
    DENY(3);

    private final int restrictiveness;

    Verdict(int restrictiveness) {
      this.restrictiveness = restrictiveness;
    }

    /**
     * Tells whether this verdict is stricter than {@code other}.
     *
     * @param other the verdict to compare with
     * @return {@code true} if this verdict is strictly more restrictive
     * @throws NullPointerException if {@code other} is null
     */
    public boolean isStricterThan(Verdict other) {
      return restrictiveness > Objects.requireNonNull(other, "other must not be null").restrictiveness;
    }
  }

  /**
   * Validates the components: an abstention has no reason, every other vote has one.
   *
   * @throws NullPointerException if {@code verdict} is null, or a non-abstaining vote lacks code or
   *     message
   * @throws IllegalArgumentException if the message is blank, or an abstention carries a reason
   */
  public Vote {
    Objects.requireNonNull(verdict, "verdict must not be null");
    if (verdict == Verdict.ABSTAIN) {
      if (code != null || message != null) {
        throw new IllegalArgumentException("an abstention carries no reason, but had " + code);
      }
    } else {
      Objects.requireNonNull(code, "code must not be null");
      Objects.requireNonNull(message, "message must not be null");
      if (message.isBlank()) {
        throw new IllegalArgumentException("message must not be blank");
      }
    }
    if (maxRows != null && (verdict == Verdict.ABSTAIN || verdict == Verdict.DENY)) {
      throw new IllegalArgumentException("only an allow or a request for approval bounds rows, but"
          + " a " + verdict + " had maxRows " + maxRows);
    }
    if (maxRows != null && maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative, but was " + maxRows);
    }
  }

  /**
   * A vote that does not bound rows.
   *
   * @throws NullPointerException if {@code verdict} is null, or a non-abstaining vote lacks code or
   *     message
   * @throws IllegalArgumentException if the message is blank, or an abstention carries a reason
   */
  public Vote(Verdict verdict, ReasonCode code, String message) {
    this(verdict, code, message, null);
  }

  /**
   * This vote with a row ceiling: the call may change at most {@code maxRows} rows.
   *
   * @param maxRows the ceiling, zero or more
   * @return the vote with the ceiling
   * @throws IllegalArgumentException if this vote is not an allow or a request for approval, or
   *     {@code maxRows} is negative
   */
  public Vote withRowCeiling(long maxRows) {
    return new Vote(verdict, code, message, maxRows);
  }

  /** The row ceiling of this vote, if it sets one. */
  public OptionalLong rowCeiling() {
    return maxRows == null ? OptionalLong.empty() : OptionalLong.of(maxRows);
  }

  /**
   * A vote to let the call run.
   *
   * @param code why
   * @param message why, in words safe to show a model
   * @return the vote
   * @throws NullPointerException if an argument is null
   */
  public static Vote allow(ReasonCode code, String message) {
    return new Vote(Verdict.ALLOW, code, message);
  }

  /**
   * A vote to run the call only once a person approves it.
   *
   * @param code why
   * @param message why, in words safe to show a model
   * @return the vote
   * @throws NullPointerException if an argument is null
   */
  public static Vote needsApproval(ReasonCode code, String message) {
    return new Vote(Verdict.NEEDS_APPROVAL, code, message);
  }

  /**
   * A vote to refuse the call.
   *
   * @param code why
   * @param message why, in words safe to show a model
   * @return the vote
   * @throws NullPointerException if an argument is null
   */
  public static Vote deny(ReasonCode code, String message) {
    return new Vote(Verdict.DENY, code, message);
  }

  /**
   * A vote that says nothing: the policy does not apply to this call.
   *
   * @return the abstention
   */
  public static Vote abstain() {
    return ABSTAIN;
  }
}
