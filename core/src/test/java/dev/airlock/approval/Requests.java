package dev.airlock.approval;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import dev.airlock.RowEstimate;
import dev.airlock.StagingRun;
import dev.airlock.ToolCall;
import java.time.Instant;
import java.util.List;

/** Approval requests for tests, built with the canonical constructor. */
final class Requests {
  static final Instant REQUESTED = Instant.parse("2025-07-18T09:15:00Z");
  static final Instant EXPIRES = Instant.parse("2025-07-18T09:30:00Z");
  static final Instant STAGED = Instant.parse("2025-07-18T09:12:00Z");
  static final Reason NEEDS_APPROVAL = new Reason(ReasonCode.NEEDS_APPROVAL, "effect-rules",
      "DESTRUCTIVE on production environment 'prod' needs a person's approval");
  static final Reason STAGED_FIRST = new Reason(ReasonCode.of("STAGING_RUN_FOUND"),
      "staging-first", "the statement ran on staging 3 minutes ago");
  static final StagingRun STAGING = new StagingRun("a".repeat(64), "prod-staging", "prod", 1206,
      STAGED, "call-17", "bot");

  private Requests() {}

  /** A destructive SQL request on production with rows, a ceiling of 1206 and staging evidence. */
  static ApprovalRequest sql(String sql) {
    return sql(sql, null, 1206L, STAGING);
  }

  static ApprovalRequest sql(String sql, String formatted, Long maxRows, StagingRun staging) {
    ToolCall call = ToolCall.builder("run_sql").argument("sql", sql).environment("prod")
        .agent("bot").session("chat-42").reason("clean up old records").build();
    return new ApprovalRequest("7f3a9c", call, Environment.production("prod"),
        Effect.DESTRUCTIVE, List.of(NEEDS_APPROVAL, STAGED_FIRST), sql, formatted,
        List.of("executives"), new RowEstimate(975L, 1206L, List.of()), maxRows, staging,
        REQUESTED, EXPIRES);
  }

  /** A request for a tool that is not SQL. */
  static ApprovalRequest tool(ToolCall call) {
    return new ApprovalRequest("r-2", call, Environment.production("prod"), Effect.WRITE,
        List.of(NEEDS_APPROVAL), null, null, List.of(), null, null, null, REQUESTED, EXPIRES);
  }
}
