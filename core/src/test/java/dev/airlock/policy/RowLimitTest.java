package dev.airlock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.RowEstimate;
import dev.airlock.Tier;
import dev.airlock.ToolCall;
import dev.airlock.policy.Vote.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowLimitTest {
  private static final ToolCall CALL = ToolCall.builder("sql").argument("sql", "DELETE …")
      .environment("db").agent("bot").build();
  private static final Environment PROD = Environment.production("db");
  private static final Environment STAGING = Environment.staging("db");
  private static final Environment DEV = Environment.development("db");

  private static Vote vote(RowLimit limit, Environment environment, RowEstimate rows) {
    return limit.vote(CALL, new PolicyContext(environment, Effect.WRITE, null, rows));
  }

  private static RowEstimate exact(long rows) {
    return new RowEstimate(rows * 3, rows, List.of());
  }

  @Test
  void productionSendsEveryRowToAPersonAndDeniesAboveTenThousand() {
    RowLimit limit = RowLimit.defaults();

    Vote none = vote(limit, PROD, exact(0));
    assertThat(none.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(none.rowCeiling()).hasValue(0);

    Vote twelve = vote(limit, PROD, exact(12));
    assertThat(twelve.verdict()).isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(twelve.code()).isEqualTo(ReasonCode.ROW_ESTIMATE_NEEDS_APPROVAL);
    assertThat(twelve.rowCeiling()).as("the counted rows are the ceiling asked for").hasValue(12);
    assertThat(twelve.message()).contains("12 rows (exact count; plan: 36)");

    Vote many = vote(limit, PROD, exact(10_001));
    assertThat(many.verdict()).isEqualTo(Verdict.DENY);
    assertThat(many.code()).isEqualTo(ReasonCode.ROW_ESTIMATE_TOO_HIGH);
  }

  @Test
  void theExactCountDecidesWhereThereIsOneElseThePlan() {
    RowLimit limit = RowLimit.defaults();
    assertThat(vote(limit, PROD, new RowEstimate(50_000L, 5L, List.of())).verdict())
        .isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(vote(limit, PROD, new RowEstimate(50_000L, null, List.of())).verdict())
        .isEqualTo(Verdict.DENY);
  }

  @Test
  void stagingAllowsUpToItsThresholdAsTheCeiling() {
    Vote vote = vote(RowLimit.defaults(), STAGING, exact(99_000));
    assertThat(vote.verdict()).isEqualTo(Verdict.ALLOW);
    assertThat(vote.rowCeiling()).hasValue(100_000);
    assertThat(vote(RowLimit.defaults(), STAGING, exact(100_001)).verdict())
        .isEqualTo(Verdict.NEEDS_APPROVAL);
  }

  @Test
  void unknownRowsGoToAPersonWhereThereAreThresholds() {
    Vote vote = vote(RowLimit.defaults(), STAGING, RowEstimate.unavailable("the count timed out"));
    assertThat(vote.verdict()).isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(vote.code()).isEqualTo(ReasonCode.ROW_ESTIMATE_UNAVAILABLE);
    assertThat(vote.message()).contains("the count timed out");
    assertThat(vote(RowLimit.defaults(), DEV, RowEstimate.unavailable("x")).verdict())
        .as("development has no thresholds").isEqualTo(Verdict.ABSTAIN);
  }

  @Test
  void callsWithoutAnEstimateGetNoVote() {
    assertThat(RowLimit.defaults().vote(CALL, new PolicyContext(PROD, Effect.WRITE)).verdict())
        .isEqualTo(Verdict.ABSTAIN);
  }

  @Test
  void environmentsOverrideTheirTier() {
    RowLimit limit = RowLimit.builder().tier(Tier.DEVELOPMENT, 12, 100)
        .environment("db", 5, -1).build();
    assertThat(vote(limit, DEV, exact(6)).verdict()).isEqualTo(Verdict.NEEDS_APPROVAL);
    assertThat(vote(limit, Environment.development("other"), exact(101)).verdict())
        .isEqualTo(Verdict.DENY);
    assertThat(limit.approvalThreshold(DEV)).hasValue(5);
  }

  @Test
  void badThresholdsAreRefused() {
    assertThatThrownBy(() -> RowLimit.builder().tier(Tier.STAGING, 10, 5))
        .hasMessageContaining("below the approval threshold");
    assertThatThrownBy(() -> RowLimit.builder().tier(Tier.STAGING, -2, 5))
        .hasMessageContaining("-1 for none");
    assertThatThrownBy(() -> Vote.deny(ReasonCode.EFFECT_DENIED, "no").withRowCeiling(3))
        .hasMessageContaining("only an allow or a request for approval bounds rows");
  }
}
