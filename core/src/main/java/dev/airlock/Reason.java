package dev.airlock;

/**
 * One reason behind a {@link Decision}: what said so, and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param code the machine-readable code
 * @param policy the name of the policy (or Airlock's own check) that gave it, e.g. {@code
 *     "effect-rules"}
 * @param message text safe to show a model and a person: no secrets, no tool arguments
 */
public record Reason(ReasonCode code, String policy, String message) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code policy} or {@code message} is blank
   */
  public Reason {
    Checks.notNull(code, "code");
    Checks.notBlank(policy, "policy");
    Checks.notBlank(message, "message");
  }
}
