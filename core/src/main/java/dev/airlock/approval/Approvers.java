package dev.airlock.approval;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Ready-made {@link Approver}s: a function that decides, and one that refuses everything.
 *
 * <pre>{@code
 * Approver onCall = Approvers.callback(request -> pager.ask(ApprovalTexts.describe(request)));
 * Approver nobody = Approvers.denyAll();
 * }</pre>
 *
 * <p>Thread-safe; not instantiable. For a person at a terminal, see {@link ConsoleApprover}.
 */
public final class Approvers {

  /** Who decided, for the decisions of {@link #denyAll()}. */
  static final String DENY_ALL = "airlock (deny-all)";

  private Approvers() {}

  /**
   * An approver that asks a function, each request on a daemon thread of the approver's own, so
   * that a function that blocks (waiting for a chat reply, a pager, a ticket) never blocks
   * Airlock's caller; Airlock's approval timeout bounds the wait. Requests are asked
   * concurrently: the function must be thread-safe. An exception thrown by the function, or a
   * {@code null} answer, completes the stage exceptionally, which Airlock turns into a refusal
   * ({@code APPROVER_ERROR}).
   *
   * @param decide the function that decides; it should show the person the exact SQL ({@link
   *     ApprovalTexts#describe(ApprovalRequest)} does)
   * @return the approver
   * @throws NullPointerException if {@code decide} is null
   */
  public static Approver callback(
      Function<? super ApprovalRequest, ? extends ApprovalDecision> decide) {
    return new Callback(Objects.requireNonNull(decide, "decide must not be null"));
  }

  /**
   * An approver that rejects every request at once, by {@code "airlock (deny-all)"}: for an
   * Airlock where nothing that needs approval may run, which makes that a rejection on record
   * ({@code APPROVAL_REJECTED}) rather than a missing approver.
   *
   * @return the approver
   */
  public static Approver denyAll() {
    return denyAll("no approver accepts calls here: every call that needs a person's approval is"
        + " refused");
  }

  /**
   * An approver that rejects every request at once, by {@code "airlock (deny-all)"}, with the
   * given comment, e.g. {@code "change freeze until Monday"}.
   *
   * @param why the comment of every rejection
   * @return the approver
   * @throws NullPointerException if {@code why} is null
   * @throws IllegalArgumentException if {@code why} is blank
   */
  public static Approver denyAll(String why) {
    Objects.requireNonNull(why, "why must not be null");
    if (why.isBlank()) {
      throw new IllegalArgumentException("why must say why every call is refused, but was blank");
    }
    ApprovalDecision rejection = ApprovalDecision.reject(DENY_ALL, why);
    return new Approver() {
      @Override
      public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
        Objects.requireNonNull(request, "request must not be null");
        return CompletableFuture.completedFuture(rejection);
      }

      @Override
      public String toString() {
        return "Approvers.denyAll(" + why + ")";
      }
    };
  }

  /** A function run on daemon threads of its own, which end after a minute idle. */
  private static final class Callback implements Approver {
    private final Function<? super ApprovalRequest, ? extends ApprovalDecision> decide;
    private final ExecutorService threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60,
        TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
          Thread thread = new Thread(task, "airlock-approver-callback");
          thread.setDaemon(true);
          return thread;
        });

    Callback(Function<? super ApprovalRequest, ? extends ApprovalDecision> decide) {
      this.decide = decide;
    }

    @Override
    public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
      Objects.requireNonNull(request, "request must not be null");
      CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
      threads.execute(() -> {
        try {
          ApprovalDecision decision = decide.apply(request);
          if (decision == null) {
            answer.completeExceptionally(new IllegalStateException("the approval callback"
                + " answered null for request " + request.requestId() + " instead of a decision"));
          } else {
            answer.complete(decision);
          }
        } catch (RuntimeException e) {
          answer.completeExceptionally(e);
        } catch (Error e) {
          answer.completeExceptionally(e);
          throw e;
        }
      });
      return answer;
    }

    @Override
    public String toString() {
      return "Approvers.callback(" + decide + ")";
    }
  }
}
