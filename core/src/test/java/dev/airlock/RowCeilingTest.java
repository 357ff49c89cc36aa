package dev.airlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalMode;
import dev.airlock.policy.Vote;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Row estimates reach the policies, ceilings reach the execution, and failures fail closed. */
class RowCeilingTest {
  private final RecordingAuditSink audit = new RecordingAuditSink();

  private Airlock.Builder builder() {
    return Airlock.builder()
        .environment(Environment.production("prod"))
        .environment(Environment.development("dev"))
        .sqlTool("sql", "sql")
        .auditSink(audit);
  }

  private static ToolCall sql(String environment, String text) {
    return ToolCall.builder("sql").argument("sql", text).environment(environment).agent("bot")
        .build();
  }

  @Test
  void theLowestCeilingOfTheWinningVotesBoundsTheExecution() {
    Airlock airlock = builder()
        .policy("fifty", (call, context) -> Vote.allow(ReasonCode.of("FIFTY"), "50").withRowCeiling(50))
        .policy("twelve", (call, context) -> Vote.allow(ReasonCode.of("TWELVE"), "12").withRowCeiling(12))
        .build();
    AtomicReference<OptionalLong> seen = new AtomicReference<>();

    airlock.execute(sql("dev", "DELETE FROM t WHERE id = 1"),
        analysis -> new RowEstimate(null, 1L, List.of()),
        execution -> {
          seen.set(execution.rowCeiling());
          execution.record("rows", 1);
          return null;
        });

    assertThat(seen.get()).hasValue(12);
    assertThat(audit.events.get(audit.events.size() - 1).fields())
        .containsEntry("outcome", "SUCCESS").containsKey("details");
  }

  @Test
  void anApprovedWriteIsHeldToTheRowsThePersonSaw() {
    Airlock airlock = builder()
        .approver(request -> CompletableFuture.completedFuture(ApprovalDecision.approve("alice", null)))
        .approvalMode(ApprovalMode.SYNC)
        .build();
    AtomicReference<OptionalLong> seen = new AtomicReference<>();

    airlock.execute(sql("prod", "DELETE FROM t WHERE region = 'emea'"),
        analysis -> new RowEstimate(40L, 12L, List.of()),
        execution -> {
          seen.set(execution.rowCeiling());
          return null;
        });

    assertThat(seen.get()).hasValue(12);
  }

  @Test
  void aCounterThatFailsIsJudgedAsUnknownRows() {
    Airlock airlock = builder().build();

    Decision decision = airlock.evaluate(sql("prod", "UPDATE t SET a = 1 WHERE id = 1"),
        analysis -> {
          throw new java.sql.SQLException("connection refused");
        });

    assertThat(decision.reasons()).anySatisfy(r ->
        assertThat(r.code()).isEqualTo(ReasonCode.ROW_ESTIMATE_UNAVAILABLE));
  }

  @Test
  void readsAreNotCounted() {
    Airlock airlock = builder().build();
    Decision decision = airlock.evaluate(sql("prod", "SELECT 1"), analysis -> {
      throw new AssertionError("a read must not be counted");
    });
    assertThat(decision.isAllowed()).isTrue();
  }

  @Test
  void aRefusalFoundWhileRunningIsRecordedAsRefused() {
    Airlock airlock = builder().build();

    assertThatThrownBy(() -> airlock.execute(sql("dev", "DELETE FROM t WHERE id = 1"), null,
        execution -> {
          throw execution.refuse(ReasonCode.ROW_LIMIT_EXCEEDED, "jdbc", "changed 3 rows");
        }))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.modelMessage()).startsWith("Refused by Airlock (jdbc, ROW_LIMIT_EXCEEDED)"));
    assertThat(audit.events.get(audit.events.size() - 1).fields())
        .containsEntry("outcome", "REFUSED").containsKey("refusal");
  }

  @Test
  void aReplicaMustCopyADeclaredProductionEnvironment() {
    assertThatThrownBy(() -> Airlock.builder()
        .environment(Environment.replica("r", "missing")).auditSink(audit).build())
        .hasMessageContaining("copies 'missing', which is not declared");
    assertThatThrownBy(() -> Airlock.builder()
        .environment(Environment.development("d"))
        .environment(Environment.replica("r", "d")).auditSink(audit).build())
        .hasMessageContaining("which is a DEVELOPMENT environment");
    assertThatThrownBy(() -> new Environment("p", Tier.PRODUCTION,
        dev.airlock.sql.SqlDialect.POSTGRESQL, "q"))
        .hasMessageContaining("only a REPLICA or STAGING environment copies another");
  }

  @Test
  void refusalsFromOutsideThePoliciesAreRecorded() {
    Airlock airlock = builder().build();
    Decision.Deny deny = airlock.refuse(sql("prod", "COMMIT"), Effect.ADMIN,
        new Reason(ReasonCode.TRANSACTION_CONTROL, "jdbc", "transaction control never runs"));
    assertThat(deny.primaryReason().code()).isEqualTo(ReasonCode.TRANSACTION_CONTROL);
    assertThat(audit.types()).containsExactly("evaluation");
  }
}
