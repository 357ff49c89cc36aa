package dev.airlock;

import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalGrant;
import dev.airlock.approval.ApprovalMode;
import dev.airlock.approval.ApprovalRecord;
import dev.airlock.approval.ApprovalRequest;
import dev.airlock.approval.ApprovalStatus;
import dev.airlock.approval.ApprovalStore;
import dev.airlock.approval.Approver;
import dev.airlock.sql.SqlAnalysis;
import dev.airlock.sql.StatementInfo;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The human gate of {@link Airlock#execute}: finds and uses the grant of an approved call, tells a
 * re-sent call that its request is still waiting, makes new requests (after the write budget),
 * and in synchronous mode waits for the approver. Every request, decision, grant use and expiry
 * is an audit event.
 */
final class ApprovalGate {
  private static final Logger log = LoggerFactory.getLogger(ApprovalGate.class);
  static final String APPROVER = "approver";
  /** Who closes a request in synchronous mode when no person answered. */
  private static final String AIRLOCK = "airlock";

  private final Airlock airlock;
  private final Approver approver;
  private final ApprovalStore store;
  private final ApprovalMode mode;
  private final Clock clock;
  private final Duration requestLifetime;
  private final Duration grantLifetime;
  private final TimeLimiter timeLimiter;
  private final ExecutorService executor;
  private volatile boolean closed;

  /** The request {@link Airlock#resume} runs on this thread, or null. */
  private static final ThreadLocal<String> RESUMING = new ThreadLocal<>();
  private static final Object[] LOCKS = new Object[64];

  static {
    for (int i = 0; i < LOCKS.length; i++) {
      LOCKS[i] = new Object();
    }
  }

  ApprovalGate(Airlock airlock, Approver approver, ApprovalStore store, ApprovalMode mode,
      Clock clock, Duration requestLifetime, Duration grantLifetime, Duration timeout) {
    this.airlock = airlock;
    this.approver = approver;
    this.store = store;
    this.mode = mode;
    this.clock = clock;
    this.requestLifetime = requestLifetime;
    this.grantLifetime = grantLifetime;
    this.timeLimiter = TimeLimiter.of("airlock-approval", TimeLimiterConfig.custom()
        .timeoutDuration(timeout)
        .cancelRunningFuture(true)
        .build());
    this.executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "airlock-approval");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * What becomes of a call the policies sent to a person: an {@code Allow} that used a grant (or,
   * in synchronous mode, a fresh approval), a {@code NeedsApproval} naming the waiting request,
   * or a {@code Deny}. Every outcome but a still-waiting request is recorded.
   */
  Decision pass(ToolCall call, Decision.NeedsApproval pending, Airlock.Decided decided) {
    String what = Airlock.what(call, pending.effect());
    if (closed) {
      return airlock.recorded(call, Airlock.deny(pending, new Reason(ReasonCode.APPROVER_ERROR,
          APPROVER, what + " needs a person's approval, and this Airlock is closed")), "execute");
    }
    Instant now = clock.instant();
    String hash = ApprovalGrant.bindingHash(call);
    String resuming = RESUMING.get();
    if (resuming != null) {
      return resumed(call, pending, hash, resuming, now);
    }
    ApprovalRequest request;
    // One call at a time per binding hash in this JVM, so that the same call sent twice at once
    // makes one request; between instances, see findOpen (an approval is found before a request).
    synchronized (LOCKS[Math.floorMod(hash.hashCode(), LOCKS.length)]) {
      ApprovalRecord open;
      try {
        expireDue(now);
        open = store.findOpen(hash, now).orElse(null);
        if (open != null && open.status() == ApprovalStatus.APPROVED) {
          if (store.use(open.requestId(), now)) {
            return used(call, pending, open, now);
          }
          // Another call used it first: this one is a new call like any other.
          open = store.findOpen(hash, now).orElse(null);
        }
      } catch (RuntimeException e) {
        return storeUnavailable(call, pending, e);
      }
      if (open != null && open.status() == ApprovalStatus.PENDING) {
        List<Reason> reasons = new ArrayList<>();
        reasons.add(new Reason(ReasonCode.APPROVAL_PENDING, APPROVER, what + " is waiting for a"
            + " person: request " + open.requestId() + " was made at " + open.requestedAt()
            + " and lapses at " + open.expiresAt()));
        reasons.addAll(pending.reasons());
        return new Decision.NeedsApproval(pending.id(), pending.callId(), pending.effect(),
            reasons, pending.maxRows(), open.requestId());
      }
      Decision budget = airlock.spendWriteBudget(call, pending);
      if (!(budget instanceof Decision.NeedsApproval)) {
        return budget;
      }
      request = request(call, pending, decided, now);
      try {
        store.create(ApprovalRecord.pending(request.requestId(), call, pending.effect(),
            pending.maxRows(), now, request.expiresAt()));
      } catch (RuntimeException e) {
        return storeUnavailable(call, pending, e);
      }
    }
    Decision refused = airlock.appendOrDeny(
        AuditRecords.approvalRequest(request, pending, hash), call, pending);
    if (!(refused instanceof Decision.NeedsApproval)) {
      // A request that cannot be recorded is closed again: nobody may approve it unrecorded.
      close(request.requestId(), "the request could not be written to the audit log");
      return refused;
    }
    if (mode == ApprovalMode.ASYNC) {
      ask(request);
      return pending.withRequest(request.requestId());
    }
    return waitFor(call, pending, request);
  }

  /**
   * Runs {@code work} as {@link Airlock#resume} of one request: a call that reaches the gate on
   * this thread meanwhile may use that request's grant and nothing else, and never makes a new
   * request.
   */
  static <T> T resuming(String requestId, java.util.concurrent.Callable<T> work)
      throws Exception {
    String outer = RESUMING.get();
    RESUMING.set(requestId);
    try {
      return work.call();
    } finally {
      if (outer == null) {
        RESUMING.remove();
      } else {
        RESUMING.set(outer);
      }
    }
  }

  private Decision resumed(ToolCall call, Decision.NeedsApproval pending, String hash,
      String requestId, Instant now) {
    String what = Airlock.what(call, pending.effect());
    try {
      expireDue(now);
      ApprovalRecord r = store.find(requestId).orElse(null);
      if (r != null && r.bindingHash().equals(hash) && r.status() == ApprovalStatus.APPROVED
          && store.use(requestId, now)) {
        return used(call, pending, r, now);
      }
      String state = r == null ? "unknown" : !r.bindingHash().equals(hash)
          ? "for another call" : store.find(requestId).map(x -> x.status().name()).orElse("gone");
      return airlock.recorded(call, Airlock.deny(pending, new Reason(ReasonCode.NO_GRANT,
          APPROVER, what + " was resumed as request " + requestId + ", which is " + state
              + "; only an approved request whose grant is unused can run")), "execute");
    } catch (RuntimeException e) {
      return storeUnavailable(call, pending, e);
    }
  }

  /**
   * Records a person's decision on a pending request; see {@link Airlock#decide}. A rejection
   * counts as a refusal of the agent when {@code countRejection} (in synchronous mode, the waiting
   * call counts it itself).
   */
  ApprovalRecord decide(String requestId, ApprovalDecision decision, boolean countRejection) {
    if (closed) {
      throw new IllegalStateException("this Airlock is closed; decide request " + requestId
          + " on an open one that shares its approval store");
    }
    Instant now = clock.instant();
    expireDue(now);
    ApprovalRecord r = store.find(requestId).orElseThrow(() -> new IllegalArgumentException(
        "there is no approval request " + requestId));
    if (isAgent(decision.by(), r.call().agent())) {
      airlock.audit(AuditRecords.approval(r.call(), requestId, "SELF_APPROVAL", decision,
          null, null));
      throw new IllegalArgumentException("'" + decision.by() + "' is the agent that asked for"
          + " request " + requestId + " and may not decide it (SELF_APPROVAL); a person must");
    }
    if (r.status() != ApprovalStatus.PENDING) {
      throw new IllegalStateException("request " + requestId + " is " + r.status()
          + "; only a pending request can be decided");
    }
    Long granted = decision.approved() ? lower(r.askedMaxRows(), decision.maxRows()) : null;
    ApprovalRecord decided = store.decide(requestId, decision, granted, now,
        now.plus(grantLifetime)).orElseThrow(() -> new IllegalStateException("request "
            + requestId + " was decided by someone else or expired meanwhile"));
    airlock.audit(AuditRecords.approval(decided.call(), requestId,
        decision.approved() ? "APPROVED" : "REJECTED", decision, granted, decided.expiresAt()));
    if (!decision.approved() && countRejection) {
      airlock.countRefusal(decided.call().agent());
    }
    return decided;
  }

  /** The waiting requests, oldest first. */
  List<ApprovalRecord> pending() {
    Instant now = clock.instant();
    expireDue(now);
    return store.pending(now);
  }

  void close() {
    closed = true;
    executor.shutdownNow();
  }

  /** Marks lapsed requests and grants expired, each audited once. */
  private void expireDue(Instant now) {
    for (ApprovalRecord expired : store.expire(now)) {
      airlock.audit(AuditRecords.approvalExpiry(expired));
    }
  }

  private Decision used(ToolCall call, Decision.NeedsApproval pending, ApprovalRecord grant,
      Instant now) {
    List<Reason> reasons = new ArrayList<>();
    reasons.add(new Reason(ReasonCode.GRANT_USED, APPROVER, "approved by " + grant.decidedBy()
        + " (request " + grant.requestId() + ", " + grant.decidedAt() + "); the grant is now"
        + " used and cannot run the call again"));
    reasons.addAll(pending.reasons());
    // The ceiling a person approved holds, and a lower one found now holds too.
    Decision allow = new Decision.Allow(pending.id(), call.callId(), pending.effect(), reasons,
        lower(grant.grantedMaxRows(), pending.maxRows()));
    return airlock.appendOrDeny(AuditRecords.grantUse(call, grant, allow, now), call, allow);
  }

  private Decision storeUnavailable(ToolCall call, Decision pending, RuntimeException e) {
    log.warn("Approval store failed for call {} ({}); denying the call", call.callId(),
        e.getClass().getName());
    log.debug("Approval store failure", e);
    return airlock.recorded(call, Airlock.deny(pending, new Reason(
        ReasonCode.APPROVAL_STORE_UNAVAILABLE, APPROVER, Airlock.what(call, pending.effect())
            + " needs a person's approval, and the approval store cannot be reached")),
        "execute");
  }

  private ApprovalRequest request(ToolCall call, Decision.NeedsApproval pending,
      Airlock.Decided decided, Instant now) {
    Environment environment = airlock.environment(call.environment()).orElseThrow();
    String sql = airlock.sqlText(call);
    String formatted = sql == null ? null : airlock.formatSql(environment, sql);
    Set<String> tables = new LinkedHashSet<>();
    SqlAnalysis analysis = decided.analysis();
    if (analysis != null) {
      for (StatementInfo info : analysis.statements()) {
        tables.addAll(info.tablesWritten());
      }
      for (StatementInfo info : analysis.statements()) {
        tables.addAll(info.tablesRead());
      }
    }
    Duration lifetime = mode == ApprovalMode.SYNC
        ? timeLimiter.getTimeLimiterConfig().getTimeoutDuration() : requestLifetime;
    return new ApprovalRequest(pending.id(), call, environment, pending.effect(),
        pending.reasons(), sql, formatted, List.copyOf(tables), decided.rows(), pending.maxRows(),
        decided.staging(), now, now.plus(lifetime));
  }

  /** Asynchronous mode: hands the request to the approver; its answer is recorded when it comes. */
  private void ask(ApprovalRequest request) {
    CompletableFuture<ApprovalDecision> answer;
    try {
      answer = CompletableFuture.supplyAsync(() -> approver.request(request), executor)
          .thenCompose(stage -> stage);
    } catch (RuntimeException e) { // the executor was shut down: Airlock is closed
      answered(request, null, e);
      return;
    }
    answer.whenComplete((decision, error) -> answered(request, decision, error));
  }

  private void answered(ApprovalRequest request, ApprovalDecision decision, Throwable error) {
    if (closed) {
      // Nothing recorded after close: an answer must never take effect unaudited.
      log.warn("Answer to request {} came after this Airlock was closed and is dropped; the"
          + " request stays pending for an open instance", request.requestId());
      return;
    }
    try {
      if (error != null || decision == null) {
        log.warn("Approver failed for request {} ({}); it stays pending until a person answers"
            + " another way or it lapses", request.requestId(),
            error == null ? "no answer" : error.getClass().getName());
        airlock.audit(AuditRecords.approval(request.call(), request.requestId(), "ERROR", null,
            null, null));
        return;
      }
      decide(request.requestId(), decision, true);
    } catch (RuntimeException e) {
      log.warn("Answer to request {} could not be recorded: {}", request.requestId(),
          e.getMessage());
    }
  }

  /** Synchronous mode: waits for the answer, and on an approval uses the grant at once. */
  private Decision waitFor(ToolCall call, Decision.NeedsApproval pending,
      ApprovalRequest request) {
    String what = Airlock.what(call, pending.effect());
    String id = request.requestId();
    ApprovalDecision answer;
    try {
      // request() runs on a thread of the gate's own, so that an approver that blocks instead of
      // returning a stage is bounded by the timeout too.
      answer = timeLimiter.executeFutureSupplier(() -> CompletableFuture
          .supplyAsync(() -> approver.request(request), executor)
          .thenCompose(stage -> stage));
    } catch (TimeoutException e) {
      return closed(call, pending, "TIMEOUT", ReasonCode.APPROVAL_TIMEOUT, what + " was not"
          + " approved: no person answered request " + id + " within "
          + timeLimiter.getTimeLimiterConfig().getTimeoutDuration());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return closed(call, pending, "ERROR", ReasonCode.APPROVER_ERROR,
          what + " was not approved: waiting for a person was interrupted");
    } catch (Throwable e) {
      Airlock.rethrowIfFatal(e);
      log.warn("Approver failed for request {} ({}); denying the call", id,
          e.getClass().getName());
      log.debug("Approver failure", e);
      return closed(call, pending, "ERROR", ReasonCode.APPROVER_ERROR,
          what + " was not approved: the approver failed");
    }
    if (answer == null) {
      return closed(call, pending, "ERROR", ReasonCode.APPROVER_ERROR,
          what + " was not approved: the approver gave no answer");
    }
    if (isAgent(answer.by(), call.agent())) {
      airlock.audit(AuditRecords.approval(call, id, "SELF_APPROVAL", answer, null, null));
      return closed(call, pending, null, ReasonCode.SELF_APPROVAL,
          what + " was not approved: agent '" + call.agent() + "' may not approve its own call");
    }
    ApprovalRecord decided;
    try {
      decided = decide(id, answer, false);
    } catch (IllegalStateException e) {
      // Decided on another channel (or lapsed) meanwhile: what the store says holds.
      return decidedElsewhere(call, pending, id);
    } catch (RuntimeException e) {
      return storeUnavailable(call, pending, e);
    }
    if (!answer.approved()) {
      String comment = answer.comment() == null ? "" : ": " + answer.comment();
      return airlock.recorded(call, Airlock.deny(pending, new Reason(
          ReasonCode.APPROVAL_REJECTED, APPROVER, what + " was rejected by a person" + comment)),
          "execute");
    }
    Instant now = clock.instant();
    try {
      if (store.use(id, now)) {
        return used(call, pending, decided, now);
      }
    } catch (RuntimeException e) {
      return storeUnavailable(call, pending, e);
    }
    return airlock.recorded(call, Airlock.deny(pending, new Reason(ReasonCode.NO_GRANT, APPROVER,
        what + " was approved, but its grant was used or lapsed before it could run")), "execute");
  }

  /** A synchronous request someone decided through {@link Airlock#decide} while Airlock waited. */
  private Decision decidedElsewhere(ToolCall call, Decision.NeedsApproval pending, String id) {
    String what = Airlock.what(call, pending.effect());
    Instant now = clock.instant();
    try {
      ApprovalRecord r = store.find(id).orElse(null);
      if (r != null && r.status() == ApprovalStatus.APPROVED && store.use(id, now)) {
        return used(call, pending, r, now);
      }
      if (r != null && r.status() == ApprovalStatus.REJECTED) {
        return airlock.recorded(call, Airlock.deny(pending, new Reason(
            ReasonCode.APPROVAL_REJECTED, APPROVER, what + " was rejected by " + r.decidedBy())),
            "execute");
      }
    } catch (RuntimeException e) {
      return storeUnavailable(call, pending, e);
    }
    return closed(call, pending, "TIMEOUT", ReasonCode.APPROVAL_TIMEOUT,
        what + " was not approved: request " + id + " lapsed or was used before it could run");
  }

  /**
   * A synchronous request that ended without an approval: it is closed so that no later answer
   * can approve a call that was already refused, and the refusal recorded.
   */
  private Decision closed(ToolCall call, Decision.NeedsApproval pending, String outcome,
      ReasonCode code, String message) {
    close(pending.id(), message);
    if (outcome != null) {
      airlock.audit(AuditRecords.approval(call, pending.id(), outcome, null, null, null));
    }
    return airlock.recorded(call, Airlock.deny(pending, new Reason(code, APPROVER, message)),
        "execute");
  }

  /**
   * Closes a request nobody may approve any more: rejected by Airlock while pending, and a grant
   * someone approved meanwhile is used up without running anything.
   */
  private void close(String requestId, String why) {
    Instant now = clock.instant();
    try {
      if (store.decide(requestId, ApprovalDecision.reject(AIRLOCK, why), null, now, now)
          .isEmpty() && store.use(requestId, now)) {
        log.warn("Request {} was approved after its call was refused ({}); the grant is used up"
            + " unrun", requestId, why);
      }
    } catch (RuntimeException e) {
      log.warn("Request {} could not be closed ({}); it lapses by itself", requestId,
          e.getClass().getName());
    }
  }

  /** The lower of two ceilings, either of which may be absent. */
  static Long lower(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Long.valueOf(Math.min(a, b));
  }

  /** Principals compare without case and surrounding blanks: "Bot " is still the agent "bot". */
  static boolean isAgent(String approver, String agent) {
    return approver.strip().equalsIgnoreCase(agent.strip());
  }

  /** Finds a request for {@link Airlock#resume}. */
  Optional<ApprovalRecord> find(String requestId) {
    return store.find(requestId);
  }
}
