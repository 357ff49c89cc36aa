package dev.airlock.policy;

import dev.airlock.Effect;
import dev.airlock.Environment;
import java.util.Objects;

/**
 * What Airlock knows about a call when its policies vote, beyond the {@link dev.airlock.ToolCall}
 * itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param environment the declared environment the call is bound to
 * @param effect the call's effect: the tool's declared effect, or {@link Effect#UNKNOWN} for a tool
 *     that declared none
 */
public record PolicyContext(Environment environment, Effect effect) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public PolicyContext {
    Objects.requireNonNull(environment, "environment must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
  }
}
