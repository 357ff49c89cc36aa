package dev.airlock.approval;

import java.util.concurrent.CompletionStage;

/**
 * The human gate: shows a person the exact call that needs approval and answers with their
 * decision.
 *
 * <p>Airlock calls {@link #request(ApprovalRequest)} from {@link
 * dev.airlock.Airlock#execute(dev.airlock.ToolCall, dev.airlock.ToolAction) execute} (never from
 * {@code evaluate}) and waits for the answer up to the approval timeout. A timeout, an exception
 * (thrown or completing the stage), or an approval by the agent's own principal is a refusal: the
 * gate fails closed. The model never sees or answers the request.
 *
 * <p>{@code request} should return at once with a stage that completes when the person answers.
 * Airlock calls it on a thread of its own, so one that blocks instead still releases the caller at
 * the timeout, but keeps that thread until it returns.
 *
 * <pre>{@code
 * Approver approver = request -> CompletableFuture.supplyAsync(() ->
 *     askOnCall(request.call(), request.reasons()));
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Approver {

  /**
   * Asks a person to approve a call.
   *
   * @param request what needs approval and why
   * @return a stage completed with the person's decision
   */
  CompletionStage<ApprovalDecision> request(ApprovalRequest request);
}
