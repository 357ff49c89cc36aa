package dev.airlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalMode;
import dev.airlock.approval.ApprovalRecord;
import dev.airlock.approval.ApprovalRequest;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalStore;
import dev.airlock.approval.Approver;
import dev.airlock.audit.AuditEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every way around a person's approval, tried against one {@link ApprovalStore}: each must fail.
 * Subclasses run it on the in-memory store and on the JDBC store over PostgreSQL.
 */
abstract class ApprovalGateContract {
  /** Unique per test, so that tests sharing a database never share a grant. */
  private final String agent = "bot-" + UUID.randomUUID().toString().substring(0, 8);
  /** Unique per test too: staging runs are evidence for any agent that sends the statement. */
  private final String table = "executives_" + agent.substring(4);
  private final RecordingAuditSink audit = new RecordingAuditSink();
  private final TestClock clock = new TestClock();
  private final AtomicInteger runs = new AtomicInteger();
  /** Requests the approver was shown; it never answers by itself. */
  private final List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();

  /** A store of the kind under test; may be shared with other tests of the class. */
  protected abstract ApprovalStore store();

  /**
   * The store as a second instance sees it: for a database, another store object on the same
   * database; in memory, the same store.
   */
  protected ApprovalStore secondStore() {
    return store();
  }

  private final Approver manual = request -> {
    asked.add(request);
    return new CompletableFuture<>();
  };

  private Airlock.Builder builder(ApprovalStore store) {
    return Airlock.builder()
        .environment(Environment.production("prod"))
        .environment(Environment.production("prod-eu"))
        .environment(Environment.staging("prod-staging", "prod"))
        .tool("refund_order", Effect.WRITE)
        .sqlTool("sql", "sql")
        .approvalStore(store)
        .clock(clock)
        .auditSink(audit);
  }

  private Airlock airlock() {
    return builder(store()).approver(manual).build();
  }

  private ToolCall refund(String environment, String amount) {
    return ToolCall.builder("refund_order").argument("order", "A-1001").argument("amount", amount)
        .environment(environment).agent(agent).build();
  }

  private ToolCall sql(String environment, String text) {
    return ToolCall.builder("sql").argument("sql", text).environment(environment).agent(agent)
        .build();
  }

  private String run() {
    runs.incrementAndGet();
    return "done";
  }

  /** Sends a call that needs approval and returns the id of the request it made or waits on. */
  private static String requestOf(Airlock airlock, ToolCall call) {
    AtomicReference<String> id = new AtomicReference<>();
    assertThatThrownBy(() -> airlock.execute(call, () -> "must not run"))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          assertThat(e.decision()).isInstanceOf(Decision.NeedsApproval.class);
          id.set(((Decision.NeedsApproval) e.decision()).requestId());
        });
    assertThat(id.get()).isNotBlank();
    return id.get();
  }

  /** Events about this test's agent: tests that share a database share expiries too. */
  private List<AuditEvent> mine(List<AuditEvent> events) {
    return events.stream().filter(e -> agent.equals(e.fields().get("agent"))).toList();
  }

  private List<AuditEvent> events(String type) {
    return audit.events.stream().filter(e -> e.type().equals(type)).toList();
  }

  @Test
  void theModelIsToldWhichRequestWaitsAndNoThreadWaits() {
    Airlock airlock = airlock();

    ToolCallRefusedException refused = org.junit.jupiter.api.Assertions.assertThrows(
        ToolCallRefusedException.class, () -> airlock.execute(refund("prod", "12.00"), this::run));

    String id = ((Decision.NeedsApproval) refused.decision()).requestId();
    assertThat(refused.modelMessage()).contains("a person must approve request " + id,
        "Do not retry this another way");
    assertThat(awaitAsked()).singleElement().satisfies(request -> {
      assertThat(request.requestId()).isEqualTo(id);
      assertThat(request.agent()).isEqualTo(agent);
    });
    assertThat(store().find(id)).get().extracting(ApprovalRecord::status)
        .isEqualTo(ApprovalStatus.PENDING);
    assertThat(events("approval-request")).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("requestId", id));
    assertThat(runs).hasValue(0);
  }

  @Test
  void anApprovedCallRunsOnceWhenSentAgainAndNeverTwice() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));

    airlock.decide(id, ApprovalDecision.approve("alice", "refund is due"));

    assertThat(airlock.execute(refund("prod", "12.00"), this::run)).isEqualTo("done");
    assertThat(runs).hasValue(1);
    assertThat(store().find(id)).get().extracting(ApprovalRecord::status)
        .isEqualTo(ApprovalStatus.USED);
    assertThat(events("grant-use")).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("approvedBy", "alice"));
    // Replaying the used grant asks a person again: a new request, nothing runs.
    String again = requestOf(airlock, refund("prod", "12.00"));
    assertThat(again).isNotEqualTo(id);
    assertThat(runs).hasValue(1);
  }

  @Test
  void aCallSentAgainWhileItWaitsNamesTheSameRequest() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));

    assertThatThrownBy(() -> airlock.execute(refund("prod", "12.00"), this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          assertThat(((Decision.NeedsApproval) e.decision()).requestId()).isEqualTo(id);
          assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.APPROVAL_PENDING);
        });
    assertThat(awaitAsked()).hasSize(1);
  }

  @Test
  void oneChangedCharacterFindsNoGrant() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));

    String other = requestOf(airlock, refund("prod", "12.01"));

    assertThat(other).isNotEqualTo(id);
    assertThat(runs).hasValue(0);
  }

  @Test
  void oneChangedCharacterOfSqlFindsNoGrant() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, sql("prod", "UPDATE orders SET state = 'void' WHERE id = 7"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));

    String other = requestOf(airlock, sql("prod", "UPDATE orders SET state = 'void' WHERE id = 7 "));

    assertThat(other).isNotEqualTo(id);
    assertThat(runs).hasValue(0);
  }

  @Test
  void anotherEnvironmentFindsNoGrant() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));

    assertThat(requestOf(airlock, refund("prod-eu", "12.00"))).isNotEqualTo(id);
    assertThat(runs).hasValue(0);
  }

  @Test
  void anotherAgentFindsNoGrant() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));
    ToolCall byOther = ToolCall.builder("refund_order").argument("order", "A-1001")
        .argument("amount", "12.00").environment("prod").agent(agent + "-twin").build();

    assertThat(requestOf(airlock, byOther)).isNotEqualTo(id);
    assertThat(runs).hasValue(0);
  }

  @Test
  void anExpiredGrantFindsNoGrant() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));

    clock.advance(Duration.ofMinutes(15));

    assertThat(requestOf(airlock, refund("prod", "12.00"))).isNotEqualTo(id);
    assertThat(runs).hasValue(0);
    assertThat(store().find(id)).get().extracting(ApprovalRecord::status)
        .isEqualTo(ApprovalStatus.EXPIRED);
    assertThat(mine(events("approval-expiry"))).singleElement().satisfies(e ->
        assertThat(e.fields()).containsEntry("requestId", id).containsEntry("what", "grant"));
  }

  @Test
  void aLapsedRequestCanNoLongerBeApproved() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));

    clock.advance(Duration.ofHours(24));

    assertThatThrownBy(() -> airlock.decide(id, ApprovalDecision.approve("alice", null)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("EXPIRED");
    assertThat(mine(events("approval-expiry"))).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("what", "request"));
  }

  @Test
  void theAgentCannotApproveItsOwnRequest() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));

    assertThatThrownBy(() -> airlock.decide(id, ApprovalDecision.approve(" " + agent.toUpperCase()
        + " ", "I checked it myself")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SELF_APPROVAL");

    assertThat(store().find(id)).get().extracting(ApprovalRecord::status)
        .isEqualTo(ApprovalStatus.PENDING);
    assertThat(events("approval")).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("outcome", "SELF_APPROVAL"));
    assertThat(requestOf(airlock, refund("prod", "12.00"))).isEqualTo(id);
    assertThat(runs).hasValue(0);
  }

  @Test
  void aRejectedCallDoesNotRunAndIsAskedAgainWhenSentAgain() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));

    airlock.decide(id, ApprovalDecision.reject("bob", "not this one"));

    assertThat(requestOf(airlock, refund("prod", "12.00"))).isNotEqualTo(id);
    assertThat(runs).hasValue(0);
    assertThat(events("approval")).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("outcome", "REJECTED"));
  }

  @Test
  void anApproverThatAnswersLaterApprovesThroughItsStage() throws Exception {
    CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
    Airlock airlock = builder(store()).approver(request -> answer).build();
    String id = requestOf(airlock, refund("prod", "12.00"));

    answer.complete(ApprovalDecision.approve("alice", "later"));

    awaitStatus(id, ApprovalStatus.APPROVED);
    assertThat(airlock.execute(refund("prod", "12.00"), this::run)).isEqualTo("done");
  }

  @Test
  void anAsynchronousApproverThatFailsLeavesTheRequestToAPerson() throws Exception {
    Airlock airlock = builder(store()).approver(request -> {
      throw new IllegalStateException("chat is down");
    }).build();
    String id = requestOf(airlock, refund("prod", "12.00"));

    awaitEvent("approval");
    assertThat(events("approval")).singleElement()
        .satisfies(e -> assertThat(e.fields()).containsEntry("outcome", "ERROR"));
    assertThat(store().find(id)).get().extracting(ApprovalRecord::status)
        .isEqualTo(ApprovalStatus.PENDING);
    assertThat(runs).hasValue(0);
  }

  @Test
  void synchronousModeRunsAnApprovalAtOnceAndRefusesEveryOtherAnswer() {
    AtomicReference<ApprovalDecision> next = new AtomicReference<>();
    Airlock airlock = builder(store()).approvalMode(ApprovalMode.SYNC)
        .approvalTimeout(Duration.ofMillis(200))
        .approver(request -> next.get() == null ? new CompletableFuture<>()
            : CompletableFuture.completedFuture(next.get()))
        .build();

    next.set(ApprovalDecision.reject("bob", "no"));
    assertRefused(airlock, refund("prod", "1.00"), ReasonCode.APPROVAL_REJECTED);
    next.set(ApprovalDecision.approve(agent, "self"));
    assertRefused(airlock, refund("prod", "2.00"), ReasonCode.SELF_APPROVAL);
    next.set(null);
    assertRefused(airlock, refund("prod", "3.00"), ReasonCode.APPROVAL_TIMEOUT);
    next.set(ApprovalDecision.approve("alice", "ok"));
    assertThat(airlock.execute(refund("prod", "4.00"), this::run)).isEqualTo("done");

    assertThat(runs).hasValue(1);
    // A refused synchronous request is closed: no later answer can approve it.
    assertThat(airlock.pendingApprovals())
        .noneMatch(pending -> pending.call().agent().equals(agent));
  }

  @Test
  void aThrowingApproverInSynchronousModeIsARefusal() {
    Airlock airlock = builder(store()).approvalMode(ApprovalMode.SYNC).approver(request -> {
      throw new IllegalStateException("approver crashed");
    }).build();

    assertRefused(airlock, refund("prod", "12.00"), ReasonCode.APPROVER_ERROR);
    assertThat(runs).hasValue(0);
  }

  @Test
  void aLowerCeilingFromTheApproverHolds() {
    Airlock airlock = airlock();
    ToolCall delete = sql("prod", "DELETE FROM orders WHERE state = 'stale'");
    RowCounter counter = analysis -> new RowEstimate(null, 40L, List.of());
    AtomicReference<String> id = new AtomicReference<>();
    assertThatThrownBy(() -> airlock.execute(delete, counter, execution -> "must not run"))
        .isInstanceOfSatisfying(ToolCallRefusedException.class,
            e -> id.set(((Decision.NeedsApproval) e.decision()).requestId()));
    assertThat(awaitAsked()).singleElement().satisfies(request -> {
      assertThat(request.rowCeiling()).hasValue(40);
      assertThat(request.sql()).isEqualTo("DELETE FROM orders WHERE state = 'stale'");
      assertThat(request.tables()).containsExactly("orders");
      assertThat(request.rows().exact()).hasValue(40);
    });

    airlock.decide(id.get(), ApprovalDecision.approveUpTo("alice", 12, "only the 12 I checked"));
    AtomicReference<OptionalLong> ceiling = new AtomicReference<>();
    airlock.execute(delete, counter, execution -> {
      ceiling.set(execution.rowCeiling());
      return "ran";
    });

    assertThat(ceiling.get()).hasValue(12);
  }

  @Test
  void resumeRunsTheApprovedCallFromTheStoreOnce() {
    Airlock airlock = airlock();
    airlock.registerHandler("refund_order", "prod", call -> airlock.execute(call, this::run));
    String id = requestOf(airlock, refund("prod", "12.00"));

    assertThatThrownBy(() -> airlock.resume(id))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.NO_GRANT));
    airlock.decide(id, ApprovalDecision.approve("alice", null));

    assertThat(airlock.resume(id)).isEqualTo("done");
    assertThatThrownBy(() -> airlock.resume(id))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().message()).contains("USED"));
    assertThat(runs).hasValue(1);
    assertThatThrownBy(() -> airlock.resume("no-such-request"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resumingTwiceAtOnceRunsOnceAndNeverAsksAgain() throws Exception {
    Airlock airlock = airlock();
    airlock.registerHandler("refund_order", "prod", call -> airlock.execute(call, this::run));
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CyclicBarrier start = new CyclicBarrier(2);
    AtomicInteger refused = new AtomicInteger();
    try {
      List<Future<?>> both = List.of(pool.submit(() -> resume(airlock, id, start, refused)),
          pool.submit(() -> resume(airlock, id, start, refused)));
      for (Future<?> one : both) {
        one.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(runs).hasValue(1);
    assertThat(refused).hasValue(1);
    assertThat(awaitAsked()).hasSize(1);
  }

  private Void resume(Airlock airlock, String id, CyclicBarrier start, AtomicInteger refused)
      throws Exception {
    start.await(5, TimeUnit.SECONDS);
    try {
      airlock.resume(id);
    } catch (ToolCallRefusedException e) {
      assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.NO_GRANT);
      refused.incrementAndGet();
    }
    return null;
  }

  @Test
  void resumingAnExpiredGrantIsRefusedAndMakesNoNewRequest() {
    Airlock airlock = airlock();
    airlock.registerHandler("refund_order", "prod", call -> airlock.execute(call, this::run));
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));
    clock.advance(Duration.ofMinutes(16));

    assertThatThrownBy(() -> airlock.resume(id))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.NO_GRANT));
    assertThat(runs).hasValue(0);
    assertThat(airlock.pendingApprovals())
        .noneMatch(pending -> pending.call().agent().equals(agent));
  }

  @Test
  void theSameCallSentTwiceAtOnceMakesOneRequest() throws Exception {
    Airlock airlock = airlock();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CyclicBarrier start = new CyclicBarrier(2);
    try {
      List<Future<String>> both = List.of(
          pool.submit(() -> {
            start.await(5, TimeUnit.SECONDS);
            return requestOf(airlock, refund("prod", "12.00"));
          }),
          pool.submit(() -> {
            start.await(5, TimeUnit.SECONDS);
            return requestOf(airlock, refund("prod", "12.00"));
          }));
      assertThat(both.get(0).get(10, TimeUnit.SECONDS))
          .isEqualTo(both.get(1).get(10, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aClosedAirlockAsksNobodyAndTakesNoDecision() {
    Airlock airlock = airlock();
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.close();

    assertRefused(airlock, refund("prod", "13.00"), ReasonCode.APPROVER_ERROR);
    assertThatThrownBy(() -> airlock.decide(id, ApprovalDecision.approve("alice", null)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThat(store().find(id)).get().extracting(ApprovalRecord::status)
        .isEqualTo(ApprovalStatus.PENDING);
  }

  @Test
  void aSynchronousRequestApprovedOnAnotherChannelRunsOnce() {
    AtomicReference<Airlock> self = new AtomicReference<>();
    Airlock airlock = builder(store()).approvalMode(ApprovalMode.SYNC).approver(request -> {
      self.get().decide(request.requestId(), ApprovalDecision.approve("alice", "on the page"));
      return CompletableFuture.completedFuture(ApprovalDecision.approve("bob", "in the chat"));
    }).build();
    self.set(airlock);

    assertThat(airlock.execute(refund("prod", "12.00"), this::run)).isEqualTo("done");
    assertThat(runs).hasValue(1);
  }

  @Test
  void aSynchronousRequestThatTimedOutCannotBeApprovedLater() {
    AtomicReference<ApprovalRequest> seen = new AtomicReference<>();
    Airlock airlock = builder(store()).approvalMode(ApprovalMode.SYNC)
        .approvalTimeout(Duration.ofMillis(100)).approver(request -> {
          seen.set(request);
          return new CompletableFuture<>();
        }).build();

    assertRefused(airlock, refund("prod", "12.00"), ReasonCode.APPROVAL_TIMEOUT);
    assertThatThrownBy(() -> airlock.decide(seen.get().requestId(),
        ApprovalDecision.approve("alice", "too late")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("REJECTED");
    assertThat(requestOfSync(airlock)).isEqualTo(ReasonCode.APPROVAL_TIMEOUT);
    assertThat(runs).hasValue(0);
  }

  private ReasonCode requestOfSync(Airlock airlock) {
    try {
      airlock.execute(refund("prod", "12.00"), this::run);
      return null;
    } catch (ToolCallRefusedException e) {
      return e.decision().primaryReason().code();
    }
  }

  @Test
  void aStagingToolThatReportsNoRowsLeavesNoEvidence() {
    Airlock airlock = builder(store()).approver(manual).build();

    airlock.execute(sql("prod-staging", "DELETE FROM " + table), () -> "ERROR: swallowed");

    assertThat(events("staging-run")).isEmpty();
    assertRefused(airlock, sql("prod", "DELETE FROM " + table),
        analysis -> new RowEstimate(null, 1206L, List.of()), ReasonCode.STAGING_RUN_REQUIRED);
  }

  @Test
  void aNewInstanceAfterARestartHonoursTheApprovalAndResumesIt() {
    String id;
    try (Airlock before = airlock()) {
      id = requestOf(before, refund("prod", "12.00"));
    }
    Airlock after = builder(secondStore()).approver(manual).build();
    after.registerHandler("refund_order", "prod", call -> after.execute(call, this::run));

    assertThat(after.pendingApprovals()).extracting(ApprovalRecord::requestId).contains(id);
    after.decide(id, ApprovalDecision.approve("alice", "after the restart"));

    assertThat(after.resume(id)).isEqualTo("done");
    assertThat(runs).hasValue(1);
  }

  @Test
  void twoInstancesRacingForOneGrantRunItOnce() throws Exception {
    Airlock one = builder(store()).approver(manual).noWriteBudget().build();
    Airlock two = builder(secondStore()).approver(manual).noWriteBudget().build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 100; round++) {
        ToolCall call = refund("prod", round + ".00");
        String id = requestOf(one, call);
        one.decide(id, ApprovalDecision.approve("alice", null));
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger won = new AtomicInteger();
        List<Future<?>> racers = List.of(
            pool.submit(() -> race(start, one, call, won)),
            pool.submit(() -> race(start, two, call, won)));
        for (Future<?> racer : racers) {
          racer.get(10, TimeUnit.SECONDS);
        }
        assertThat(won).as("round %d", round).hasValue(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(runs).hasValue(100);
  }

  private Void race(CyclicBarrier start, Airlock airlock, ToolCall call, AtomicInteger won)
      throws Exception {
    start.await(5, TimeUnit.SECONDS);
    try {
      airlock.execute(call, this::run);
      won.incrementAndGet();
    } catch (ToolCallRefusedException e) {
      assertThat(e.decision()).isInstanceOf(Decision.NeedsApproval.class);
    }
    return null;
  }

  @Test
  void stagingFirstDeniesUntilTheSameStatementRanOnTheMirror() {
    Airlock airlock = builder(store()).approver(manual).noWriteBudget().build();
    String delete = "DELETE FROM " + table;
    RowCounter productionRows = analysis -> new RowEstimate(975L, 1206L, List.of());

    assertRefused(airlock, sql("prod", delete), productionRows, ReasonCode.STAGING_RUN_REQUIRED);
    // Another text on staging is no evidence for this one.
    airlock.execute(sql("prod-staging", delete + " "), null, execution -> {
      execution.rowsChanged(1206L);
      return "ran";
    });
    assertRefused(airlock, sql("prod", delete), productionRows, ReasonCode.STAGING_RUN_REQUIRED);

    airlock.execute(sql("prod-staging", delete), null, execution -> {
      execution.rowsChanged(1206L);
      return "ran";
    });
    assertThatThrownBy(() -> airlock.execute(sql("prod", delete), productionRows, e -> "no"))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision()).isInstanceOf(Decision.NeedsApproval.class));

    assertThat(awaitAsked()).singleElement().satisfies(request -> {
      assertThat(request.stagingRun()).get().satisfies(run -> {
        assertThat(run.rowsChanged()).isEqualTo(1206);
        assertThat(run.stagingEnvironment()).isEqualTo("prod-staging");
      });
      assertThat(request.rows().exact()).hasValue(1206);
      assertThat(request.reasons()).extracting(Reason::code)
          .contains(ReasonCode.STAGING_RUN_FOUND);
    });
    assertThat(events("staging-run")).hasSize(2);

    clock.advance(Duration.ofHours(25));
    assertRefused(airlock, sql("prod", delete), productionRows, ReasonCode.STAGING_RUN_REQUIRED);
  }

  @Test
  void aProductionEstimateFarAboveTheStagingCountIsFlagged() {
    Airlock airlock = builder(store()).approver(manual).build();
    String delete = "DELETE FROM " + table;
    airlock.execute(sql("prod-staging", delete), null, execution -> {
      execution.rowsChanged(12L);
      return "ran";
    });

    assertThatThrownBy(() -> airlock.execute(sql("prod", delete),
        analysis -> new RowEstimate(null, 1206L, List.of()), e -> "no"))
        .isInstanceOf(ToolCallRefusedException.class);

    assertThat(awaitAsked()).singleElement().satisfies(request ->
        assertThat(request.reasons()).filteredOn(r -> r.code() == ReasonCode.STAGING_ROWS_DIFFER)
            .singleElement().satisfies(r ->
                assertThat(r.message()).contains("12 rows", "1206 rows")));
  }

  @Test
  void theWriteBudgetStopsTheEleventhWriteAndRefillsWithTime() {
    Airlock airlock = builder(store()).approver(manual).noAutoKill().build();
    for (int i = 0; i < 10; i++) {
      requestOf(airlock, refund("prod", i + ".00"));
    }

    assertRefused(airlock, refund("prod", "10.00"), ReasonCode.WRITE_BUDGET_EXCEEDED);
    // Waiting on a request made before spends nothing.
    requestOf(airlock, refund("prod", "0.00"));
    clock.advance(Duration.ofMinutes(1));
    requestOf(airlock, refund("prod", "10.00"));
  }

  @Test
  void usingAGrantSpendsNoBudget() {
    Airlock airlock = builder(store()).approver(manual).writeBudget(1, Duration.ofMinutes(1))
        .build();
    String id = requestOf(airlock, refund("prod", "12.00"));
    airlock.decide(id, ApprovalDecision.approve("alice", null));

    assertThat(airlock.execute(refund("prod", "12.00"), this::run)).isEqualTo("done");
    assertRefused(airlock, refund("prod", "13.00"), ReasonCode.WRITE_BUDGET_EXCEEDED);
  }

  @Test
  void anAgentRefusedAgainAndAgainIsStoppedUntilAPersonReleasesIt() {
    Airlock airlock = builder(store()).approver(manual).autoKill(4, 50, Duration.ofSeconds(60))
        .policy("no-refunds", (call, context) -> call.tool().equals("refund_order")
            && "0.00".equals(call.arguments().get("amount"))
            ? dev.airlock.policy.Vote.deny(ReasonCode.of("ZERO_REFUND"), "a zero refund")
            : dev.airlock.policy.Vote.abstain())
        .build();
    for (int i = 0; i < 4; i++) {
      assertRefused(airlock, refund("prod", "0.00"), ReasonCode.of("ZERO_REFUND"));
    }

    assertRefused(airlock, refund("prod", "5.00"), ReasonCode.KILL_SWITCH);
    assertThat(audit.events).filteredOn(e -> e.type().equals("kill-switch"))
        .singleElement().satisfies(e -> assertThat(e.fields())
            .containsEntry("action", "auto-kill").containsEntry("agent", agent));
    ToolCall otherAgent = ToolCall.builder("refund_order").argument("amount", "5.00")
        .environment("prod").agent(agent + "-other").build();
    requestOf(airlock, otherAgent);

    airlock.killSwitch().releaseForAgent(agent, "oncall");
    requestOf(airlock, refund("prod", "5.00"));
    // Counting starts afresh after the release.
    assertRefused(airlock, refund("prod", "0.00"), ReasonCode.of("ZERO_REFUND"));
    requestOf(airlock, refund("prod", "6.00"));
  }

  private void assertRefused(Airlock airlock, ToolCall call, ReasonCode code) {
    assertThatThrownBy(() -> airlock.execute(call, this::run))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code()).isEqualTo(code));
  }

  private void assertRefused(Airlock airlock, ToolCall call, RowCounter counter,
      ReasonCode code) {
    assertThatThrownBy(() -> airlock.execute(call, counter, execution -> run()))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code()).isEqualTo(code));
  }

  private void awaitStatus(String id, ApprovalStatus status) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store().find(id).map(ApprovalRecord::status).orElse(null) != status) {
      assertThat(System.nanoTime()).as("request %s never became %s", id, status)
          .isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /** The requests the approver was shown; it is called on a thread of Airlock's own. */
  private List<ApprovalRequest> awaitAsked() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (asked.isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    return asked;
  }

  private void awaitEvent(String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (events(type).isEmpty()) {
      assertThat(System.nanoTime()).as("no %s event", type).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  static Map<String, Object> fields(AuditEvent event) {
    return event.fields();
  }
}
