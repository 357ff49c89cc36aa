package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Airlock;
import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.ToolCall;
import dev.airlock.ToolCallRefusedException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ready-made approvers: a function on threads of its own, and one that refuses everything. */
class ApproversTest {

  private static final ApprovalRequest REQUEST = Requests.sql("DELETE FROM executives");

  @Test
  void callbackAnswersOnADaemonThreadOfItsOwn() throws Exception {
    AtomicReference<Thread> asked = new AtomicReference<>();
    Approver approver = Approvers.callback(request -> {
      asked.set(Thread.currentThread());
      return ApprovalDecision.approve("alice", "ok " + request.requestId());
    });

    ApprovalDecision decision = approver.request(REQUEST).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    assertThat(decision).isEqualTo(ApprovalDecision.approve("alice", "ok 7f3a9c"));
    assertThat(asked.get()).isNotSameAs(Thread.currentThread());
    assertThat(asked.get().isDaemon()).isTrue();
  }

  @Test
  void aBlockingCallbackDoesNotBlockTheCaller() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    Approver approver = Approvers.callback(request -> {
      try {
        answered.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ApprovalDecision.reject("bob", "too many rows");
    });

    CompletableFuture<ApprovalDecision> stage = approver.request(REQUEST).toCompletableFuture();

    assertThat(stage).isNotDone();
    answered.countDown();
    assertThat(stage.get(10, TimeUnit.SECONDS).approved()).isFalse();
  }

  @Test
  void aCallbackThatThrowsCompletesTheStageExceptionally() {
    Approver approver = Approvers.callback(request -> {
      throw new IllegalStateException("chat is down");
    });

    assertThatThrownBy(() -> approver.request(REQUEST).toCompletableFuture()
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("chat is down");
  }

  @Test
  void aCallbackThatAnswersNullCompletesTheStageExceptionally() {
    Approver approver = Approvers.callback(request -> null);

    assertThatThrownBy(() -> approver.request(REQUEST).toCompletableFuture()
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("the approval callback answered null for request 7f3a9c instead"
            + " of a decision");
  }

  @Test
  void denyAllRejectsEveryRequestAtOnce() {
    CompletableFuture<ApprovalDecision> stage =
        Approvers.denyAll().request(REQUEST).toCompletableFuture();

    assertThat(stage).isDone();
    assertThat(stage.join()).isEqualTo(ApprovalDecision.reject("airlock (deny-all)",
        "no approver accepts calls here: every call that needs a person's approval is refused"));
    assertThat(Approvers.denyAll("change freeze until Monday").request(REQUEST)
        .toCompletableFuture().join().comment()).isEqualTo("change freeze until Monday");
  }

  @Test
  void badArgumentsAreRefusedWithClearMessages() {
    assertThatThrownBy(() -> Approvers.callback(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("decide");
    assertThatThrownBy(() -> Approvers.denyAll(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("why");
    assertThatThrownBy(() -> Approvers.denyAll().request(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("request");
  }

  @Test
  void airlockRecordsDenyAllAsARejectionAndAFailingCallbackAsAnApproverError(
      @TempDir Path dir) {
    ToolCall write = ToolCall.builder("refund_order").environment("prod").agent("bot").build();
    try (Airlock denying = airlock(dir.resolve("deny.jsonl"), Approvers.denyAll());
        Airlock failing = airlock(dir.resolve("fail.jsonl"), Approvers.callback(request -> {
          throw new IllegalStateException("chat is down");
        }))) {
      assertThatThrownBy(() -> denying.execute(write, () -> "ran"))
          .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
              assertThat(e.decision().primaryReason().code())
                  .isEqualTo(ReasonCode.APPROVAL_REJECTED));
      assertThatThrownBy(() -> failing.execute(write, () -> "ran"))
          .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
              assertThat(e.decision().primaryReason().code())
                  .isEqualTo(ReasonCode.APPROVER_ERROR));
    }
  }

  private static Airlock airlock(Path log, Approver approver) {
    return Airlock.builder()
        .environment(Environment.production("prod"))
        .tool("refund_order", Effect.WRITE)
        .approver(approver)
        .approvalMode(ApprovalMode.SYNC)
        .auditLog(log)
        .build();
  }
}
