package dev.airlock.policy;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.Tier;
import dev.airlock.ToolCall;
import dev.airlock.policy.Vote.Verdict;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The policy that turns a call's {@link Effect} into a vote, per {@link Tier} and, where the
 * application says so, per environment.
 *
 * <p>The {@linkplain #defaults() defaults}, which every {@link dev.airlock.Airlock} applies unless
 * it is given an {@code EffectRules} of its own:
 *
 * <table>
 *   <caption>Default verdict per tier and effect</caption>
 *   <tr><th>tier</th><th>ALLOW</th><th>NEEDS_APPROVAL</th><th>DENY</th></tr>
 *   <tr><td>PRODUCTION</td><td>READ</td><td>WRITE, SCHEMA, DESTRUCTIVE</td>
 *       <td>ADMIN, PRIVILEGE, UNKNOWN</td></tr>
 *   <tr><td>REPLICA</td><td>READ</td><td></td><td>everything else</td></tr>
 *   <tr><td>STAGING</td><td>READ, WRITE, SCHEMA, DESTRUCTIVE</td><td></td>
 *       <td>ADMIN, PRIVILEGE, UNKNOWN</td></tr>
 *   <tr><td>DEVELOPMENT</td><td>READ … ADMIN</td><td></td><td>PRIVILEGE, UNKNOWN</td></tr>
 * </table>
 *
 * <p>A rule for a named environment overrides its tier's rule; everything not overridden keeps
 * the default:
 *
 * <pre>{@code
 * EffectRules rules = EffectRules.builder()
 *     .rule(Tier.STAGING, Effect.ADMIN, Verdict.NEEDS_APPROVAL)
 *     .rule("orders-db", Effect.SCHEMA, Verdict.DENY)
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. The policy never abstains.
 */
public final class EffectRules implements Policy {
  private static final String NAME = "effect-rules";
  private static final EffectRules DEFAULTS = new Builder().build();

  private final Map<Tier, Map<Effect, Verdict>> byTier;
  private final Map<String, Map<Effect, Verdict>> byEnvironment;

  private EffectRules(
      Map<Tier, Map<Effect, Verdict>> byTier, Map<String, Map<Effect, Verdict>> byEnvironment) {
    this.byTier = byTier;
    this.byEnvironment = byEnvironment;
  }

  /**
   * Returns the safe defaults described above.
   *
   * @return the default rules
   */
  public static EffectRules defaults() {
    return DEFAULTS;
  }

  /**
   * Starts from the defaults, to override some rules.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the verdict these rules give an effect on an environment.
   *
   * @param environment the environment
   * @param effect the effect
   * @return {@code ALLOW}, {@code NEEDS_APPROVAL} or {@code DENY}
   * @throws NullPointerException if an argument is null
   */
  public Verdict verdictFor(Environment environment, Effect effect) {
    Objects.requireNonNull(environment, "environment must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
    Map<Effect, Verdict> own = byEnvironment.get(environment.name());
    if (own != null && own.containsKey(effect)) {
      return own.get(effect);
    }
    return byTier.get(environment.tier()).get(effect);
  }

  @Override
  public Vote vote(ToolCall call, PolicyContext context) {
    Environment environment = context.environment();
    Effect effect = context.effect();
    String where = tierName(environment.tier()) + " environment '" + environment.name() + "'";
    String why = context.sql().filter(sql -> !sql.isRead())
        .flatMap(sql -> sql.reasons().stream().findFirst())
        .map(reason -> " (" + reason.message() + ")").orElse("");
    return switch (verdictFor(environment, effect)) {
      case ALLOW -> Vote.allow(ReasonCode.EFFECT_ALLOWED, effect + " is allowed on " + where);
      case NEEDS_APPROVAL -> Vote.needsApproval(ReasonCode.NEEDS_APPROVAL,
          effect + why + " on " + where + " needs a person's approval");
      case DENY, ABSTAIN -> Vote.deny(
          ReasonCode.EFFECT_DENIED, effect + why + " is not allowed on " + where);
    };
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String toString() {
    return "EffectRules[tiers=" + byTier + ", environments=" + byEnvironment + "]";
  }

  private static String tierName(Tier tier) {
    return tier.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Builds {@link EffectRules}, starting from the defaults. Not thread-safe; {@link #build()}
   * copies its state, so a builder can be reused.
   */
  public static final class Builder {
    private final Map<Tier, Map<Effect, Verdict>> byTier = new EnumMap<>(Tier.class);
    private final Map<String, Map<Effect, Verdict>> byEnvironment = new HashMap<>();

    private Builder() {
      for (Tier tier : Tier.values()) {
        byTier.put(tier, new EnumMap<>(Effect.class));
      }
      for (Effect effect : Effect.values()) {
        byTier.get(Tier.PRODUCTION).put(effect, switch (effect) {
          case READ -> Verdict.ALLOW;
          case WRITE, SCHEMA, DESTRUCTIVE -> Verdict.NEEDS_APPROVAL;
          case ADMIN, PRIVILEGE, UNKNOWN -> Verdict.DENY;
        });
        byTier.get(Tier.REPLICA).put(effect, effect == Effect.READ ? Verdict.ALLOW : Verdict.DENY);
        byTier.get(Tier.STAGING).put(effect, switch (effect) {
          case READ, WRITE, SCHEMA, DESTRUCTIVE -> Verdict.ALLOW;
          case ADMIN, PRIVILEGE, UNKNOWN -> Verdict.DENY;
        });
        byTier.get(Tier.DEVELOPMENT).put(effect, switch (effect) {
          case PRIVILEGE, UNKNOWN -> Verdict.DENY;
          default -> Verdict.ALLOW;
        });
      }
    }

    /**
     * Sets the verdict for an effect on every environment of a tier.
     *
     * @param tier the tier
     * @param effect the effect
     * @param verdict {@code ALLOW}, {@code NEEDS_APPROVAL} or {@code DENY}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code verdict} is {@code ABSTAIN}
     */
    public Builder rule(Tier tier, Effect effect, Verdict verdict) {
      Objects.requireNonNull(tier, "tier must not be null");
      byTier.get(tier).put(checkedEffect(effect), checkedVerdict(verdict));
      return this;
    }

    /**
     * Sets the verdict for an effect on one environment, overriding its tier's rule.
     *
     * @param environment the environment's name
     * @param effect the effect
     * @param verdict {@code ALLOW}, {@code NEEDS_APPROVAL} or {@code DENY}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code environment} is blank or {@code verdict} is
     *     {@code ABSTAIN}
     */
    public Builder rule(String environment, Effect effect, Verdict verdict) {
      Objects.requireNonNull(environment, "environment must not be null");
      if (environment.isBlank()) {
        throw new IllegalArgumentException("environment must not be blank");
      }
      byEnvironment
          .computeIfAbsent(environment, name -> new EnumMap<>(Effect.class))
          .put(checkedEffect(effect), checkedVerdict(verdict));
      return this;
    }

    /**
     * Builds the rules.
     *
     * @return the rules
     */
    public EffectRules build() {
      Map<Tier, Map<Effect, Verdict>> tiers = new EnumMap<>(Tier.class);
      byTier.forEach((tier, rules) -> tiers.put(tier, Map.copyOf(rules)));
      Map<String, Map<Effect, Verdict>> environments = new HashMap<>();
      byEnvironment.forEach((name, rules) -> environments.put(name, Map.copyOf(rules)));
      return new EffectRules(Map.copyOf(tiers), Map.copyOf(environments));
    }

    private static Effect checkedEffect(Effect effect) {
      return Objects.requireNonNull(effect, "effect must not be null");
    }

    private static Verdict checkedVerdict(Verdict verdict) {
      Objects.requireNonNull(verdict, "verdict must not be null");
      if (verdict == Verdict.ABSTAIN) {
        throw new IllegalArgumentException(
            "verdict must be ALLOW, NEEDS_APPROVAL or DENY: effect rules never abstain");
      }
      return verdict;
    }
  }
}
