package dev.airlock.approval;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.Reason;
import dev.airlock.ToolCall;
import java.util.List;
import java.util.Objects;

/**
 * What a person is asked to approve: the exact call, where it would run, its effect and every
 * reason the policies gave.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requestId unique id of this request (the id of the decision that asked for it)
 * @param call the exact call, arguments included
 * @param environment the environment it would run on
 * @param effect its effect
 * @param reasons every reason the policies gave, the ones asking for approval first
 */
public record ApprovalRequest(
    String requestId, ToolCall call, Environment environment, Effect effect, List<Reason> reasons) {

  /**
   * Validates the components and copies the reasons.
   *
   * @throws NullPointerException if a component is null
   */
  public ApprovalRequest {
    Objects.requireNonNull(requestId, "requestId must not be null");
    Objects.requireNonNull(call, "call must not be null");
    Objects.requireNonNull(environment, "environment must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
    reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons must not be null"));
  }
}
