package dev.airlock.approval;

/**
 * How {@link dev.airlock.Airlock#execute(dev.airlock.ToolCall, dev.airlock.ToolAction) execute}
 * treats a call that needs a person's approval.
 */
public enum ApprovalMode {
  /**
   * The default: the request goes to the approver and {@code execute} refuses at once with a
   * {@link dev.airlock.Decision.NeedsApproval} naming the request; no thread waits. Once a person
   * approves, the agent re-sends the exact same call and it runs once, or the application calls
   * {@link dev.airlock.Airlock#resume(String)}.
   */
  ASYNC,
  /**
   * {@code execute} waits for the approver's answer up to the approval timeout (5 minutes by
   * default) and runs the call at once when approved; a timeout, an approver error or a rejection
   * is a refusal.
   */
  SYNC
}
