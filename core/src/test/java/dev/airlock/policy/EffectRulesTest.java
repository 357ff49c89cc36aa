package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.Tier;
import dev.airlock.policy.Vote.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EffectRulesTest {
  private static final Environment PROD = Environment.production("prod");

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "PRODUCTION, READ, ALLOW", "PRODUCTION, WRITE, NEEDS_APPROVAL",
      "PRODUCTION, SCHEMA, NEEDS_APPROVAL", "PRODUCTION, DESTRUCTIVE, NEEDS_APPROVAL",
      "PRODUCTION, ADMIN, DENY", "PRODUCTION, PRIVILEGE, DENY", "PRODUCTION, UNKNOWN, DENY",
      "REPLICA, READ, ALLOW", "REPLICA, WRITE, DENY", "REPLICA, SCHEMA, DENY",
      "REPLICA, DESTRUCTIVE, DENY", "REPLICA, ADMIN, DENY", "REPLICA, PRIVILEGE, DENY",
      "REPLICA, UNKNOWN, DENY",
      "STAGING, READ, ALLOW", "STAGING, WRITE, ALLOW", "STAGING, SCHEMA, ALLOW",
      "STAGING, DESTRUCTIVE, ALLOW", "STAGING, ADMIN, DENY", "STAGING, PRIVILEGE, DENY",
      "STAGING, UNKNOWN, DENY",
      "DEVELOPMENT, READ, ALLOW", "DEVELOPMENT, WRITE, ALLOW", "DEVELOPMENT, SCHEMA, ALLOW",
      "DEVELOPMENT, DESTRUCTIVE, ALLOW", "DEVELOPMENT, ADMIN, ALLOW",
      "DEVELOPMENT, PRIVILEGE, DENY", "DEVELOPMENT, UNKNOWN, DENY",
  })
  void defaultsFollowTheTierTable(Tier tier, Effect effect, Verdict expected) {
    Environment env = new Environment("e", tier, PROD.dialect());

    assertThat(EffectRules.defaults().verdictFor(env, effect)).isEqualTo(expected);
  }

  @Test
  void environmentRuleOverridesItsTierOnly() {
    EffectRules rules = EffectRules.builder()
        .rule("prod", Effect.SCHEMA, Verdict.DENY)
        .rule(Tier.STAGING, Effect.ADMIN, Verdict.NEEDS_APPROVAL)
        .build();

    assertThat(rules.verdictFor(PROD, Effect.SCHEMA)).isEqualTo(Verdict.DENY);
    assertThat(rules.verdictFor(Environment.production("other"), Effect.SCHEMA))
        .isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(rules.verdictFor(Environment.staging("s"), Effect.ADMIN))
        .isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(EffectRules.defaults().verdictFor(Environment.staging("s"), Effect.ADMIN))
        .isEqualTo(Verdict.DENY);
  }

  @Test
  void builderIsReusableAndRejectsAbstain() {
    EffectRules.Builder builder = EffectRules.builder().rule("prod", Effect.WRITE, Verdict.ALLOW);
    EffectRules first = builder.build();
    builder.rule("prod", Effect.WRITE, Verdict.DENY);

    assertThat(first.verdictFor(PROD, Effect.WRITE)).isEqualTo(Verdict.ALLOW);
    assertThatThrownBy(() -> builder.rule(Tier.PRODUCTION, Effect.READ, Verdict.ABSTAIN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never abstain");
  }

  @Test
  void voteSaysWhatAndWhere() {
    Vote vote = EffectRules.defaults().vote(null, new PolicyContext(PROD, Effect.DESTRUCTIVE));

    assertThat(vote.verdict()).isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(vote.message())
        .isEqualTo("DESTRUCTIVE on production environment 'prod' needs a person's approval");
    assertThat(EffectRules.defaults().name()).isEqualTo("effect-rules");
  }
}
