package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.ReasonCode;
import org.junit.jupiter.api.Test;

class PolicyTest {

  static final class NoFridayWrites implements Policy {
    @Override
    public Vote vote(dev.airlock.ToolCall call, PolicyContext context) {
      return Vote.abstain();
    }
  }

  @Test
  void defaultNameIsTheClassNameInKebabCase() {
    assertThat(new NoFridayWrites().name()).isEqualTo("no-friday-writes");
    Policy lambda = (call, context) -> Vote.abstain();
    assertThat(lambda.name()).isEqualTo("custom-policy");
    assertThat(Policy.named("quiet", lambda).name()).isEqualTo("quiet");
  }

  @Test
  void votesAreWellFormed() {
    assertThatThrownBy(() -> new Vote(Vote.Verdict.ABSTAIN, ReasonCode.APPROVED, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Vote.deny(ReasonCode.EFFECT_DENIED, " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message");
    assertThatThrownBy(() -> Vote.deny(null, "no"))
        .isInstanceOf(NullPointerException.class).hasMessage("code must not be null");
    assertThat(Vote.Verdict.DENY.isStricterThan(Vote.Verdict.NEEDS_APPROVAL)).isTrue();
    assertThat(Vote.Verdict.NEEDS_APPROVAL.isStricterThan(Vote.Verdict.ALLOW)).isTrue();
    assertThat(Vote.Verdict.ALLOW.isStricterThan(Vote.Verdict.ABSTAIN)).isTrue();
  }

  @Test
  void allowlistNeedsAnEnvironmentAndAcceptsWildcards() {
    assertThatThrownBy(() -> EnvironmentAllowlist.builder().allow("bot", "run_sql"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    EnvironmentAllowlist list = EnvironmentAllowlist.builder()
        .allow(EnvironmentAllowlist.ANY, "search", "prod", "prod").build();
    dev.airlock.ToolCall call = dev.airlock.ToolCall.builder("search").environment("prod")
        .agent("anyone").build();
    assertThat(list.vote(call, null).verdict()).isEqualTo(Vote.Verdict.ALLOW);
  }
}
