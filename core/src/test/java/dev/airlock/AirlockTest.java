package dev.airlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalMode;
import dev.airlock.approval.Approver;
import dev.airlock.policy.EffectRules;
import dev.airlock.policy.EnvironmentAllowlist;
import dev.airlock.policy.Vote;
import dev.airlock.policy.Vote.Verdict;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditSink;
import dev.airlock.audit.AuditVerification;
import dev.airlock.audit.JsonLinesAuditSink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AirlockTest {
  private final RecordingAuditSink audit = new RecordingAuditSink();
  private final AtomicInteger runs = new AtomicInteger();

  private Airlock.Builder builder() {
    return Airlock.builder()
        .environment(Environment.production("prod"))
        .environment(Environment.staging("staging"))
        .environment(Environment.replica("replica"))
        .environment(Environment.development("dev"))
        .tool("read_orders", Effect.READ)
        .tool("refund_order", Effect.WRITE)
        .tool("drop_table", Effect.DESTRUCTIVE)
        .tool("grant_role", Effect.PRIVILEGE)
        .tool("staging_only", Effect.WRITE, "staging")
        .approvalMode(ApprovalMode.SYNC)
        .auditSink(audit);
  }

  private static ToolCall call(String tool, String environment) {
    return ToolCall.builder(tool).environment(environment).agent("bot").build();
  }

  private String run() {
    runs.incrementAndGet();
    return "done";
  }

  @Test
  void readOnProductionIsAllowedAndRuns() {
    Airlock airlock = builder().build();

    assertThat(airlock.execute(call("read_orders", "prod"), this::run)).isEqualTo("done");

    assertThat(runs).hasValue(1);
    assertThat(audit.types()).containsExactly("evaluation", "execution");
  }

  @Test
  void unknownEnvironmentIsDenied() {
    Decision d = builder().build().evaluate(call("read_orders", "prod-eu"));

    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.UNKNOWN_ENVIRONMENT);
    assertThat(d.refusalMessage()).contains("prod-eu");
  }

  @Test
  void toolCalledOutsideItsBoundEnvironmentIsDenied() {
    Decision d = builder().build().evaluate(call("staging_only", "dev"));

    assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.ENVIRONMENT_MISMATCH);
    assertThat(builder().build().evaluate(call("staging_only", "staging")).isAllowed()).isTrue();
  }

  @Test
  void unregisteredToolIsUnknownAndDeniedEverywhere() {
    Airlock airlock = builder().build();

    for (String env : new String[] {"prod", "staging", "replica", "dev"}) {
      Decision d = airlock.evaluate(call("mystery", env));
      assertThat(d.effect()).isEqualTo(Effect.UNKNOWN);
      assertThat(d).as(env).isInstanceOf(Decision.Deny.class);
    }
  }

  @Test
  void killSwitchDeniesBeforeEverythingElse() {
    AtomicInteger policyRuns = new AtomicInteger();
    Airlock airlock = builder()
        .policy("counting", (call, context) -> {
          policyRuns.incrementAndGet();
          return Vote.abstain();
        })
        .build();
    airlock.killSwitch().engage("incident 42", "oncall");

    Decision unknownEnv = airlock.evaluate(call("read_orders", "nowhere"));
    Decision read = airlock.evaluate(call("read_orders", "prod"));

    assertThat(unknownEnv.primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH);
    assertThat(read.reasons()).extracting(Reason::code).containsExactly(ReasonCode.KILL_SWITCH);
    assertThat(audit.types()).startsWith("kill-switch");
    assertThat(policyRuns).hasValue(0);
  }

  @Test
  void killSwitchForOneAgentStopsOnlyThatAgent() {
    Airlock airlock = builder().build();
    airlock.killSwitch().engageForAgent("bot", "misbehaving", "oncall");

    ToolCall other = ToolCall.builder("read_orders").environment("prod").agent("analyst").build();
    assertThat(airlock.evaluate(call("read_orders", "prod")).primaryReason().code())
        .isEqualTo(ReasonCode.KILL_SWITCH);
    assertThat(airlock.evaluate(other).isAllowed()).isTrue();

    airlock.killSwitch().releaseForAgent("bot", "oncall");
    assertThat(airlock.evaluate(call("read_orders", "prod")).isAllowed()).isTrue();
  }

  @Test
  void unreadableKillSwitchDenies() {
    KillSwitch broken = new StubKillSwitch(() -> {
      throw new IllegalStateException("store unreachable");
    });

    Decision d = builder().killSwitch(broken).build().evaluate(call("read_orders", "prod"));

    assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH);
  }

  @Test
  void policyThatThrowsIsADenyNeverAnAllow() {
    Airlock airlock = builder()
        .policy("flaky", (call, context) -> {
          throw new IllegalStateException("secret connection string in here");
        })
        .build();

    Decision d = airlock.evaluate(call("read_orders", "prod"));

    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(d.primaryReason()).extracting(Reason::code, Reason::policy)
        .containsExactly(ReasonCode.POLICY_ERROR, "flaky");
    assertThat(d.refusalMessage()).doesNotContain("secret");
  }

  @Test
  void policyThatFailsAnAssertionIsADeny() {
    Decision d = builder().policy("asserting", (call, context) -> {
      throw new AssertionError("unexpected");
    }).build().evaluate(call("read_orders", "prod"));

    assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.POLICY_ERROR);
  }

  @Test
  void policyThatReturnsNullIsADeny() {
    Decision d = builder().policy("lazy", (call, context) -> null).build()
        .evaluate(call("read_orders", "prod"));

    assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.POLICY_ERROR);
  }

  @Test
  void mostRestrictiveVoteWinsAndEveryReasonIsKept() {
    ReasonCode custom = ReasonCode.of("FRIDAY");
    Airlock airlock = builder()
        .policy("friday", (call, context) -> Vote.needsApproval(custom, "it is Friday"))
        .policy("quiet", (call, context) -> Vote.abstain())
        .approver(request -> new CompletableFuture<>())
        .build();

    Decision d = airlock.evaluate(call("read_orders", "prod"));

    assertThat(d).isInstanceOf(Decision.NeedsApproval.class);
    assertThat(d.reasons()).extracting(Reason::code)
        .containsExactly(custom, ReasonCode.EFFECT_ALLOWED);
    assertThat(d.refusalMessage())
        .isEqualTo("Refused by Airlock (friday, FRIDAY): it is Friday. It has not run; a person"
            + " must approve it first. Do not retry this another way.");
  }

  @Test
  void writeOnProductionWithoutApproverIsDeniedFromEvaluateAndExecute() {
    Airlock airlock = builder().build();
    ToolCall refund = call("refund_order", "prod");

    Decision preview = airlock.evaluate(refund);
    assertThatThrownBy(() -> airlock.execute(refund, this::run))
        .isInstanceOf(ToolCallRefusedException.class)
        .hasMessageStartingWith("Tool call 'refund_order' refused: Refused by Airlock (airlock,"
            + " NO_APPROVER)");

    assertThat(preview).isInstanceOf(Decision.Deny.class);
    assertThat(preview.reasons()).extracting(Reason::code)
        .containsExactly(ReasonCode.NO_APPROVER, ReasonCode.NEEDS_APPROVAL);
    assertThat(runs).hasValue(0);
  }

  @Test
  void executeDoesNotRunTheToolOnARefusal() {
    Airlock airlock = builder().build();

    assertThatThrownBy(() -> airlock.execute(call("grant_role", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          assertThat(e.decision()).isInstanceOf(Decision.Deny.class);
          assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.EFFECT_DENIED);
          assertThat(e.modelMessage()).startsWith("Refused by Airlock (effect-rules, EFFECT_DENIED)"
              + ": PRIVILEGE is not allowed on production environment 'prod'.");
        });
    assertThat(runs).hasValue(0);
    assertThat(audit.types()).containsExactly("evaluation");
  }

  @Test
  void evaluateAsksNoPerson() {
    AtomicInteger asked = new AtomicInteger();
    Airlock airlock = builder().approver(request -> {
      asked.incrementAndGet();
      return CompletableFuture.completedFuture(ApprovalDecision.approve("alice", null));
    }).build();

    Decision d = airlock.evaluate(call("refund_order", "prod"));

    assertThat(d).isInstanceOf(Decision.NeedsApproval.class);
    assertThat(asked).hasValue(0);
  }

  @Test
  void approvedWriteRunsOnceAndRecordsTheApprover() {
    Airlock airlock = builder().approver(request ->
        CompletableFuture.completedFuture(ApprovalDecision.approve("alice", "ok"))).build();

    assertThat(airlock.execute(call("refund_order", "prod"), this::run)).isEqualTo("done");

    assertThat(runs).hasValue(1);
    assertThat(audit.types()).containsExactly(
        "evaluation", "approval-request", "approval", "grant-use", "execution");
    assertThat(audit.events.get(2).fields()).containsEntry("by", "alice")
        .containsEntry("outcome", "APPROVED");
    assertThat(audit.events.get(3).fields()).containsEntry("approvedBy", "alice");
  }

  @Test
  void rejectedApprovalDenies() {
    Airlock airlock = builder().approver(request ->
        CompletableFuture.completedFuture(ApprovalDecision.reject("alice", "whole table"))).build();

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code())
                .isEqualTo(ReasonCode.APPROVAL_REJECTED));
    assertThat(runs).hasValue(0);
  }

  @Test
  void approverTimeoutDenies() {
    Airlock airlock = builder()
        .approver(request -> new CompletableFuture<>())
        .approvalTimeout(Duration.ofMillis(50))
        .build();

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code())
                .isEqualTo(ReasonCode.APPROVAL_TIMEOUT));
    assertThat(runs).hasValue(0);
  }

  @Test
  void crashedApproverDenies() {
    Approver thrower = request -> {
      throw new IllegalStateException("slack is down");
    };
    Approver failed = request -> CompletableFuture.failedFuture(new IOException("no route"));

    for (Approver approver : new Approver[] {thrower, failed, request -> null}) {
      Airlock airlock = builder().approver(approver).build();
      assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
          .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
              assertThat(e.decision().primaryReason().code())
                  .isEqualTo(ReasonCode.APPROVER_ERROR));
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void agentCannotApproveItsOwnCall() {
    Airlock airlock = builder().approver(request ->
        CompletableFuture.completedFuture(ApprovalDecision.approve("bot", "trust me"))).build();

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.SELF_APPROVAL));
    assertThat(runs).hasValue(0);
  }

  @Test
  void auditFailureDenies() {
    Airlock airlock = builder().build();
    audit.failing = true;

    assertThatThrownBy(() -> airlock.execute(call("read_orders", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code())
                .isEqualTo(ReasonCode.AUDIT_UNAVAILABLE));
    assertThat(airlock.evaluate(call("read_orders", "prod")).primaryReason().code())
        .isEqualTo(ReasonCode.AUDIT_UNAVAILABLE);
    assertThat(runs).hasValue(0);
  }

  @Test
  void auditFailureCanLetPureReadsThroughWhenConfigured() {
    Airlock airlock = builder().allowReadsWhenAuditFails(true).build();
    audit.failing = true;

    assertThat(airlock.execute(call("read_orders", "dev"), this::run)).isEqualTo("done");
    assertThatThrownBy(() -> airlock.execute(call("refund_order", "dev"), this::run))
        .isInstanceOf(ToolCallRefusedException.class);
    assertThat(runs).hasValue(1);
  }

  @Test
  void killSwitchStillEngagesWhenTheAuditLogFails() {
    Airlock airlock = builder().build();
    audit.failing = true;

    airlock.killSwitch().engage("incident", "oncall");

    audit.failing = false;
    assertThat(airlock.evaluate(call("read_orders", "prod")).primaryReason().code())
        .isEqualTo(ReasonCode.KILL_SWITCH);
  }

  @Test
  void ownEffectRulesReplaceTheDefaults() {
    Airlock airlock = builder()
        .policy(EffectRules.builder().rule("prod", Effect.WRITE, Verdict.ALLOW).build())
        .build();

    assertThat(airlock.evaluate(call("refund_order", "prod")).isAllowed()).isTrue();
    assertThat(airlock.evaluate(call("drop_table", "prod")).primaryReason().code())
        .isEqualTo(ReasonCode.NO_APPROVER);
  }

  @Test
  void allowlistDeniesWhatItDoesNotList() {
    Airlock airlock = builder()
        .policy(EnvironmentAllowlist.builder()
            .allow("support-bot", "read_orders", "replica", "staging")
            .build())
        .build();
    ToolCall onReplica = ToolCall.builder("read_orders").environment("replica")
        .agent("support-bot").build();
    ToolCall onProd = ToolCall.builder("read_orders").environment("prod")
        .agent("support-bot").build();

    assertThat(airlock.evaluate(onReplica).isAllowed()).isTrue();
    assertThat(airlock.evaluate(onProd).primaryReason().code())
        .isEqualTo(ReasonCode.NOT_ALLOWLISTED);
    assertThat(airlock.evaluate(call("read_orders", "replica")).primaryReason().code())
        .isEqualTo(ReasonCode.NOT_ALLOWLISTED);
  }

  @Test
  void toolFailureIsRecordedAndRethrown() {
    Airlock airlock = builder().build();

    assertThatThrownBy(() -> airlock.execute(call("read_orders", "prod"), () -> {
      throw new IOException("connection reset");
    })).isInstanceOf(ToolExecutionException.class).hasCauseInstanceOf(IOException.class);
    assertThatThrownBy(() -> airlock.execute(call("read_orders", "prod"), () -> {
      throw new IllegalStateException("bad state");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(audit.events).filteredOn(e -> e.type().equals("execution"))
        .extracting(e -> e.fields().get("outcome")).containsExactly("FAILURE", "FAILURE");
  }

  @Test
  void auditEventsCarryTheCallAndEveryReason() {
    Airlock airlock = builder().build();
    ToolCall call = ToolCall.builder("refund_order").environment("prod").agent("bot")
        .argument("order", 42).argument("note", null).session("s-1").reason("customer asked")
        .build();

    Decision d = airlock.evaluate(call);

    @SuppressWarnings("unchecked")
    Map<String, Object> recordedCall = (Map<String, Object>) audit.events.get(0).fields().get("call");
    @SuppressWarnings("unchecked")
    Map<String, Object> recordedDecision =
        (Map<String, Object>) audit.events.get(0).fields().get("decision");
    assertThat(recordedCall).containsEntry("arguments", call.arguments())
        .containsEntry("session", "s-1").containsEntry("reason", "customer asked");
    assertThat(recordedDecision).containsEntry("id", d.id()).containsEntry("kind", "DENY")
        .containsEntry("effect", "WRITE");
    assertThat((java.util.List<?>) recordedDecision.get("reasons")).hasSize(2);
  }

  @Test
  void nullArgumentsAreNamed() {
    Airlock airlock = builder().build();

    assertThatThrownBy(() -> airlock.evaluate(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("call must not be null");
    assertThatThrownBy(() -> airlock.execute(call("read_orders", "prod"), null))
        .isInstanceOf(NullPointerException.class).hasMessage("tool must not be null");
  }

  @Test
  void builderRejectsConflictsAndMissingParts() {
    assertThatThrownBy(() -> Airlock.builder().environment(Environment.production("a"))
        .environment(Environment.staging("a")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already declared");
    assertThatThrownBy(() -> Airlock.builder().auditSink(audit).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no environment");
    assertThatThrownBy(() -> Airlock.builder().environment(Environment.production("a")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no audit log");
    assertThatThrownBy(() -> Airlock.builder().environment(Environment.production("a"))
        .tool("t", Effect.READ, "b").auditSink(audit).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'b'");
    assertThatThrownBy(() -> Airlock.builder().approvalTimeout(Duration.ofSeconds(-3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-3S");
    assertThatThrownBy(() -> Airlock.builder().tool("t", Effect.READ).tool("t", Effect.WRITE))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");
  }

  @Test
  void killSwitchEngagedWhileAwaitingApprovalStopsTheCall() {
    AtomicReference<Airlock> self = new AtomicReference<>();
    Airlock airlock = builder().approver(request -> {
      self.get().killSwitch().engage("incident while waiting", "oncall");
      return CompletableFuture.completedFuture(ApprovalDecision.approve("alice", null));
    }).build();
    self.set(airlock);

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().reasons()).extracting(Reason::code)
                .startsWith(ReasonCode.KILL_SWITCH, ReasonCode.GRANT_USED));
    assertThat(runs).hasValue(0);
  }

  @Test
  void approverThatBlocksIsBoundedByTheTimeout() {
    CountDownLatch never = new CountDownLatch(1);
    Airlock airlock = builder()
        .approver(request -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return CompletableFuture.completedFuture(ApprovalDecision.approve("alice", null));
        })
        .approvalTimeout(Duration.ofMillis(100))
        .build();

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code())
                .isEqualTo(ReasonCode.APPROVAL_TIMEOUT));
    never.countDown();
    assertThat(runs).hasValue(0);
  }

  @Test
  void approverThatThrowsAnErrorDenies() {
    Approver thrower = request -> {
      throw new AssertionError("bug in the approver");
    };
    Approver failing = request -> CompletableFuture.failedFuture(new StackOverflowError());

    for (Approver approver : new Approver[] {thrower, failing}) {
      Airlock airlock = builder().approver(approver).build();
      assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
          .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
              assertThat(e.decision().primaryReason().code())
                  .isEqualTo(ReasonCode.APPROVER_ERROR));
    }
    assertThat(audit.events).filteredOn(e -> e.type().equals("approval"))
        .extracting(e -> e.fields().get("outcome")).containsExactly("ERROR", "ERROR");
    assertThat(runs).hasValue(0);
  }

  @Test
  void selfApprovalIgnoresCaseAndBlanks() {
    Airlock airlock = builder().approver(request ->
        CompletableFuture.completedFuture(ApprovalDecision.approve(" BOT ", null))).build();

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.SELF_APPROVAL));
  }

  @Test
  void approvalThatCannotBeRecordedDenies() {
    Airlock airlock = builder().approver(request -> {
      audit.failing = true;
      return CompletableFuture.completedFuture(ApprovalDecision.approve("alice", null));
    }).build();

    assertThatThrownBy(() -> airlock.execute(call("refund_order", "prod"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code())
                .isEqualTo(ReasonCode.AUDIT_UNAVAILABLE));
    assertThat(runs).hasValue(0);
  }

  @Test
  void killSwitchThatAnswersNullDenies() {
    KillSwitch silent = new StubKillSwitch(() -> null);

    Decision d = builder().killSwitch(silent).build().evaluate(call("read_orders", "prod"));

    assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH);
    assertThat(d.refusalMessage()).contains("could not be read");
  }

  @Test
  void sinkThatThrowsAnErrorDenies() {
    AuditSink broken = event -> {
      throw new LinkageError("sink jar missing a class");
    };
    Airlock airlock = Airlock.builder().environment(Environment.production("prod"))
        .tool("read_orders", Effect.READ).auditSink(broken).build();

    assertThat(airlock.evaluate(call("read_orders", "prod")).primaryReason().code())
        .isEqualTo(ReasonCode.AUDIT_UNAVAILABLE);
  }

  @Test
  void refusalKeepsItsOwnReasonFirstWhenTheAuditLogAlsoFails() {
    Airlock airlock = builder().build();
    airlock.killSwitch().engage("incident", "oncall");
    audit.failing = true;

    Decision d = airlock.evaluate(call("read_orders", "prod"));

    assertThat(d.reasons()).extracting(Reason::code)
        .containsExactly(ReasonCode.KILL_SWITCH, ReasonCode.AUDIT_UNAVAILABLE);
  }

  @Test
  void interruptedToolKeepsTheInterruptFlag() {
    Airlock airlock = builder().build();

    assertThatThrownBy(() -> airlock.execute(call("read_orders", "prod"), () -> {
      throw new InterruptedException("shutting down");
    })).isInstanceOf(ToolExecutionException.class);

    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void ownRefusalsNameTheCallAndItsEnvironment() {
    Airlock airlock = builder()
        .policy("flaky", (call, context) -> {
          throw new IllegalStateException("boom");
        })
        .build();

    assertThat(airlock.evaluate(call("refund_order", "staging")).refusalMessage())
        .isEqualTo("Refused by Airlock (flaky, POLICY_ERROR): WRITE call of 'refund_order' on"
            + " 'staging' could not be checked: policy 'flaky' failed (IllegalStateException)."
            + " It was not run. Do not retry this another way; tell the user why.");
    assertThat(airlock.evaluate(call("refund_order", "nowhere")).refusalMessage())
        .contains("'refund_order' on 'nowhere' is refused: that environment is not declared");
  }

  @Test
  void auditLogFileRecordsEveryStepAndVerifies(@TempDir Path dir) {
    Path file = dir.resolve("audit.jsonl");
    try (Airlock airlock = Airlock.builder()
        .environment(Environment.production("prod"))
        .tool("read_orders", Effect.READ)
        .tool("refund_order", Effect.WRITE)
        .approver(request ->
            CompletableFuture.completedFuture(ApprovalDecision.approve("alice", "fine")))
        .approvalMode(ApprovalMode.SYNC)
        .auditLog(file)
        .build()) {
      airlock.execute(call("read_orders", "prod"), this::run);
      airlock.execute(call("refund_order", "prod"), this::run);
      airlock.killSwitch().engage("done for today", "oncall");
      assertThat(airlock.evaluate(call("read_orders", "prod")).isAllowed()).isFalse();
    }

    AuditVerification verification = AuditLog.verify(file);
    assertThat(verification.intact()).as(verification.problem()).isTrue();
    // read: evaluation, execution; write: evaluation, approval-request, approval, grant-use,
    // execution; kill switch; the last evaluation
    assertThat(verification.linesChecked()).isEqualTo(9);
    assertThat(runs).hasValue(2);
  }

  @Test
  void closeClosesOnlyTheSinkItOpened(@TempDir Path dir) {
    JsonLinesAuditSink own = JsonLinesAuditSink.builder(dir.resolve("own.jsonl")).build();
    Airlock lent = builder().build();
    Airlock.builder().environment(Environment.production("prod")).auditSink(own).build().close();

    own.append(new AuditEvent("still-open", Map.of()));
    lent.close();
    own.close();
    try (Airlock opened = Airlock.builder().environment(Environment.production("prod"))
        .auditLog(dir.resolve("opened.jsonl")).build()) {
      assertThat(opened.evaluate(call("x", "prod")).isAllowed()).isFalse();
    }
    // Closed means its lock is free again.
    JsonLinesAuditSink.builder(dir.resolve("opened.jsonl")).build().close();
  }

  @Test
  void effectRulesAreAddedOnceAndUnderTheirOwnName() {
    assertThatThrownBy(() -> builder().policy("mine", EffectRules.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("own name");
    assertThatThrownBy(() -> builder().policy(EffectRules.defaults())
        .policy(EffectRules.builder().build()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already added");
  }

  @Test
  void approvalTimeoutMustBeFromAMillisecondToADay() {
    assertThatThrownBy(() -> Airlock.builder().approvalTimeout(Duration.ofNanos(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.000000001S");
    assertThatThrownBy(() -> Airlock.builder().approvalTimeout(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT48H");
  }

  @Test
  void settingsThatMayBeSetOnceQuoteTheEarlierValue() {
    Approver first = request -> new CompletableFuture<>();
    assertThatThrownBy(() -> Airlock.builder().approver(first).approver(first))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(first.toString());
    assertThatThrownBy(() -> Airlock.builder().approvalTimeout(Duration.ofSeconds(3))
        .approvalTimeout(Duration.ofSeconds(4)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("PT3S");
    assertThatThrownBy(() -> Airlock.builder().auditSink(audit).auditLog(Path.of("x")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(audit.toString());
  }
}
