package dev.airlock;

/**
 * Thrown by {@link Airlock#execute(ToolCall, ToolAction)} when a call is not allowed to run; it
 * carries the {@link Decision} and its reasons.
 *
 * <p>The message reads {@code "Tool call 'run_sql' refused: Refused by Airlock (effect-rules,
 * NEEDS_APPROVAL): …"}; {@link #modelMessage()} is the part after the colon, the text to hand the
 * model as the tool's result. Immutable and thread-safe.
 */
public final class ToolCallRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Decision decision;
  private final String tool;
  private final String modelMessage;

  /**
   * Creates the exception for a refused call.
   *
   * @param tool the tool's name
   * @param decision the refusing decision
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code decision} allows the call
   */
  public ToolCallRefusedException(String tool, Decision decision) {
    super("Tool call '" + Checks.notNull(tool, "tool") + "' refused: "
        + Checks.notNull(decision, "decision").refusalMessage());
    if (decision.isAllowed()) {
      throw new IllegalArgumentException("decision must refuse the call, but was " + decision);
    }
    this.tool = tool;
    this.decision = decision;
    this.modelMessage = decision.refusalMessage();
  }

  /**
   * Returns the decision that refused the call.
   *
   * @return a {@link Decision.Deny} or {@link Decision.NeedsApproval}; {@code null} only after
   *     the exception was serialized and read back, which keeps the messages but not the decision
   */
  public Decision decision() {
    return decision;
  }

  /**
   * Returns the name of the refused tool.
   *
   * @return the tool's name
   */
  public String tool() {
    return tool;
  }

  /**
   * Returns the text for the model, in Airlock's one refusal format.
   *
   * @return the refusal text
   */
  public String modelMessage() {
    return modelMessage;
  }
}
