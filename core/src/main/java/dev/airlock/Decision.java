package dev.airlock;

import java.util.List;
import java.util.OptionalLong;

/**
 * What Airlock decided about one {@link ToolCall}: {@link Allow}, {@link Deny} or {@link
 * NeedsApproval}.
 *
 * <p>Every decision keeps every reason its policies gave, the deciding ones first: for a {@code
 * Deny}, the reasons that denied; for a {@code NeedsApproval}, the ones that asked for a person.
 * A refusal is a value, not an error: {@link Airlock#evaluate(ToolCall)} returns it, and {@link
 * Airlock#execute(ToolCall, ToolAction)} throws it inside a {@link ToolCallRefusedException}.
 *
 * <pre>{@code
 * Decision d = airlock.evaluate(call);
 * if (!d.isAllowed()) {
 *   return d.refusalMessage(); // the text a model reads
 * }
 * }</pre>
 *
 * <p>Decisions are immutable and thread-safe.
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.NeedsApproval {

  /**
   * Returns this decision's unique id, which audit events and approval requests refer to.
   *
   * @return the id
   */
  String id();

  /**
   * Returns the id of the call this decision is about.
   *
   * @return the call's id
   */
  String callId();

  /**
   * Returns the effect the decision judged: the tool's declared effect, or for SQL the analysed one.
   *
   * @return the effect
   */
  Effect effect();

  /**
   * Returns every reason given, the deciding ones first.
   *
   * @return an unmodifiable list, never empty
   */
  List<Reason> reasons();

  /**
   * Tells whether the call may run.
   *
   * @return {@code true} only for {@link Allow}
   */
  default boolean isAllowed() {
    return this instanceof Allow;
  }

  /**
   * Returns the most rows the call may change: for an {@link Allow} of a write, the ceiling its
   * execution is held to (a write that changes more is rolled back); for a {@link NeedsApproval},
   * the ceiling a person is asked to approve. Empty when no policy bounds the rows.
   *
   * @return the ceiling, or empty
   */
  default OptionalLong rowCeiling() {
    return OptionalLong.empty();
  }

  /**
   * Returns the reason that decided: the first of {@link #reasons()}.
   *
   * @return the deciding reason
   */
  default Reason primaryReason() {
    return reasons().get(0);
  }

  /**
   * Returns the text a model reads when the call is refused, in Airlock's one format: {@code
   * "Refused by Airlock (<policy>, <REASON_CODE>): <why>. <what happens next>"}.
   *
   * @return the refusal text, or for an {@link Allow} a one-line summary
   */
  String refusalMessage();

  /**
   * The call may run.
   *
   * @param id the decision's id
   * @param callId the call's id
   * @param effect the judged effect
   * @param reasons every reason given, never empty
   * @param maxRows the most rows the call may change, or null when no policy bounds them (see
   *     {@link #rowCeiling()})
   */
  record Allow(String id, String callId, Effect effect, List<Reason> reasons, Long maxRows)
      implements Decision {
    /**
     * Validates the components and copies the reasons.
     *
     * @throws NullPointerException if any component is null
     * @throws IllegalArgumentException if an id is blank or there is no reason
     */
    public Allow {
      reasons = DecisionTexts.checked(id, callId, effect, reasons);
      DecisionTexts.checkCeiling(maxRows);
    }

    /**
     * An allow that no policy bounds in rows.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if an id is blank or there is no reason
     */
    public Allow(String id, String callId, Effect effect, List<Reason> reasons) {
      this(id, callId, effect, reasons, null);
    }

    @Override
    public OptionalLong rowCeiling() {
      return maxRows == null ? OptionalLong.empty() : OptionalLong.of(maxRows);
    }

    @Override
    public String refusalMessage() {
      return "Allowed by Airlock (" + primaryReason().policy() + ", " + primaryReason().code() + ")";
    }
  }

  /**
   * The call may not run.
   *
   * @param id the decision's id
   * @param callId the call's id
   * @param effect the judged effect
   * @param reasons every reason given, the denying ones first; never empty
   */
  record Deny(String id, String callId, Effect effect, List<Reason> reasons) implements Decision {
    /**
     * Validates the components and copies the reasons.
     *
     * @throws NullPointerException if any component is null
     * @throws IllegalArgumentException if an id is blank or there is no reason
     */
    public Deny {
      reasons = DecisionTexts.checked(id, callId, effect, reasons);
    }

    @Override
    public String refusalMessage() {
      return DecisionTexts.refusal(
          primaryReason(), "It was not run. Do not retry this another way; tell the user why.");
    }
  }

  /**
   * The call may run only once a person approves it.
   *
   * @param id the decision's id
   * @param callId the call's id
   * @param effect the judged effect
   * @param reasons every reason given, the ones asking for approval first; never empty
   * @param maxRows the row ceiling a person is asked to approve, or null (see {@link
   *     #rowCeiling()})
   * @param requestId the id of the approval request waiting for a person, or null when no request
   *     was made ({@link Airlock#evaluate(ToolCall) evaluate} asks no one)
   */
  record NeedsApproval(
      String id, String callId, Effect effect, List<Reason> reasons, Long maxRows,
      String requestId)
      implements Decision {
    /**
     * Validates the components and copies the reasons.
     *
     * @throws NullPointerException if any component but the ceiling and request id is null
     * @throws IllegalArgumentException if an id is blank or there is no reason
     */
    public NeedsApproval {
      reasons = DecisionTexts.checked(id, callId, effect, reasons);
      DecisionTexts.checkCeiling(maxRows);
      Checks.nullOrNotBlank(requestId, "requestId");
    }

    /**
     * A decision that asks for approval of at most {@code maxRows} rows, before any request is
     * made.
     *
     * @throws NullPointerException if any argument but the ceiling is null
     * @throws IllegalArgumentException if an id is blank or there is no reason
     */
    public NeedsApproval(String id, String callId, Effect effect, List<Reason> reasons,
        Long maxRows) {
      this(id, callId, effect, reasons, maxRows, null);
    }

    /**
     * A request for approval that names no row ceiling.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if an id is blank or there is no reason
     */
    public NeedsApproval(String id, String callId, Effect effect, List<Reason> reasons) {
      this(id, callId, effect, reasons, null, null);
    }

    /**
     * The same decision, waiting on the approval request {@code requestId}.
     *
     * @param requestId the request's id
     * @return the decision naming its request
     * @throws IllegalArgumentException if {@code requestId} is blank
     */
    public NeedsApproval withRequest(String requestId) {
      return new NeedsApproval(id, callId, effect, reasons, maxRows,
          Checks.notBlank(requestId, "requestId"));
    }

    @Override
    public OptionalLong rowCeiling() {
      return maxRows == null ? OptionalLong.empty() : OptionalLong.of(maxRows);
    }

    @Override
    public String refusalMessage() {
      String next = requestId == null
          ? "It has not run; a person must approve it first. Do not retry this another way."
          : "It has not run: a person must approve request " + requestId + " first. Do not retry"
              + " this another way; once it is approved, send the exact same call again.";
      return DecisionTexts.refusal(primaryReason(), next);
    }
  }
}
