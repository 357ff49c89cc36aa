package dev.airlock.policy;

import dev.airlock.ToolCall;
import java.util.Locale;
import java.util.Objects;

/**
 * A rule that votes on every tool call: allow, ask a person, deny, or abstain.
 *
 * <p>Airlock asks every policy and the most restrictive vote wins ({@code DENY > NEEDS_APPROVAL >
 * ALLOW}), with every reason kept. A policy that throws, or returns {@code null}, counts as a
 * {@code DENY} ({@code POLICY_ERROR}), never as an allow. Policies must be thread-safe and quick:
 * they run on the caller's thread for every call, including {@link
 * dev.airlock.Airlock#evaluate(ToolCall) previews}, so they must not contact people or spend
 * budgets.
 *
 * <pre>{@code
 * Policy noFridayWrites = (call, context) ->
 *     context.effect() != Effect.READ && isFriday()
 *         ? Vote.deny(ReasonCode.of("FRIDAY"), "no writes on Fridays")
 *         : Vote.abstain();
 * Airlock.builder().policy("no-friday-writes", noFridayWrites)…
 * }</pre>
 */
@FunctionalInterface
public interface Policy {

  /**
   * Votes on one call.
   *
   * @param call the call
   * @param context what Airlock knows about it: environment and effect
   * @return the vote, never {@code null}
   */
  Vote vote(ToolCall call, PolicyContext context);

  /**
   * Returns the policy's name, as reasons and audit events show it: by default the class's simple
   * name in kebab case ({@code EffectRules} becomes {@code effect-rules}). Give lambdas a name
   * with {@link #named(String, Policy)}.
   *
   * @return the name
   */
  default String name() {
    String simple = getClass().getSimpleName();
    int lambda = simple.indexOf("$$");
    if (lambda >= 0 || simple.isEmpty()) {
      return "custom-policy";
    }
    return simple.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /**
   * Returns a policy that votes like {@code policy} under the given name.
   *
   * @param name the name reasons and audit events show, e.g. {@code "no-friday-writes"}
   * @param policy the policy
   * @return the named policy
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  static Policy named(String name, Policy policy) {
    Objects.requireNonNull(name, "name must not be null");
    Objects.requireNonNull(policy, "policy must not be null");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    return new NamedPolicy(name, policy);
  }
}
