package dev.airlock.cli;

import dev.airlock.Environment;
import dev.airlock.Reason;
import dev.airlock.Tier;
import dev.airlock.ToolCall;
import dev.airlock.policy.EffectRules;
import dev.airlock.policy.PolicyContext;
import dev.airlock.policy.Vote;
import dev.airlock.sql.SqlAnalysis;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The static rules {@code airlock check} applies to a SQL text: the analysis of what it does, then
 * the vote of {@link EffectRules#defaults()} for one tier. There is no audit log, no approver and
 * no kill switch, so what needs a person's approval is shown as such, never refused for want of an
 * approver.
 *
 * <p>One analyser per dialect serves the whole run, so a repeated text is analysed once. Not
 * thread-safe.
 */
final class StaticCheck {
  /** The tool the checked calls are attributed to. */
  static final String TOOL = "run_sql";
  /** The agent the checked calls are attributed to. */
  static final String AGENT = "airlock-check";

  private final Tier tier;
  private final EffectRules rules = EffectRules.defaults();
  private final Map<SqlDialect, SqlAnalyzer> analyzers = new EnumMap<>(SqlDialect.class);
  private final Map<SqlDialect, Environment> environments = new EnumMap<>(SqlDialect.class);

  /**
   * A check for environments of one tier.
   *
   * @param tier the tier whose default rules apply
   */
  StaticCheck(Tier tier) {
    this.tier = Objects.requireNonNull(tier, "tier");
  }

  /**
   * Checks one SQL text.
   *
   * @param sql the text, as an agent would send it
   * @param dialect the dialect to read it in
   * @return the analysis and the vote
   */
  Outcome check(String sql, SqlDialect dialect) {
    SqlAnalysis analysis = analyzers.computeIfAbsent(dialect, SqlAnalyzer::of).analyze(sql);
    Environment environment = environments.computeIfAbsent(
        dialect, d -> new Environment(Names.of(tier), tier, d));
    ToolCall call = ToolCall.builder(TOOL)
        .callId(AGENT)
        .argument("sql", sql)
        .environment(environment.name())
        .agent(AGENT)
        .build();
    Vote vote = rules.vote(call,
        new PolicyContext(environment, analysis.effect(), analysis));
    return new Outcome(analysis, vote);
  }

  /** What {@code airlock check} answers for a call, by its name on the wire. */
  enum Decision {
    /** The effect rules let the statement run. */
    ALLOW,
    /** The effect rules let the statement run only once a person approves it. */
    REQUIRE_APPROVAL,
    /** The effect rules refuse the statement. */
    DENY;

    static Decision of(Vote.Verdict verdict) {
      return switch (verdict) {
        case ALLOW -> ALLOW;
        case NEEDS_APPROVAL -> REQUIRE_APPROVAL;
        // the effect rules never abstain; were they to, the check fails closed
        case DENY, ABSTAIN -> DENY;
      };
    }
  }

  /**
   * One reason of an outcome.
   *
   * @param code the reason's code, e.g. {@code "NEEDS_APPROVAL"}
   * @param message the reason in words
   */
  record Finding(String code, String message) {}

  /**
   * The result of checking one text.
   *
   * @param analysis what the text does
   * @param vote what the effect rules say about it
   */
  record Outcome(SqlAnalysis analysis, Vote vote) {

    /** The decision, by its wire name. */
    Decision decision() {
      return Decision.of(vote.verdict());
    }

    /** The vote's reason first, then every reason of the analysis, in order. */
    List<Finding> reasons() {
      List<Finding> reasons = new ArrayList<>(analysis.reasons().size() + 1);
      reasons.add(new Finding(vote.code().name(), vote.message()));
      for (Reason reason : analysis.reasons()) {
        reasons.add(new Finding(reason.code().name(), reason.message()));
      }
      return reasons;
    }
  }
}
