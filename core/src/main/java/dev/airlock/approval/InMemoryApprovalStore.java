package dev.airlock.approval;

import dev.airlock.StagingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The approval store of one process: every method holds the one lock, so each is atomic. */
final class InMemoryApprovalStore implements ApprovalStore {
  private final Map<String, ApprovalRecord> requests = new LinkedHashMap<>();
  private final List<StagingRun> stagingRuns = new ArrayList<>();

  @Override
  public synchronized void create(ApprovalRecord pending) {
    Objects.requireNonNull(pending, "pending must not be null");
    if (pending.status() != ApprovalStatus.PENDING) {
      throw new IllegalArgumentException("a new request must be PENDING, but was "
          + pending.status());
    }
    if (requests.containsKey(pending.requestId())) {
      throw new IllegalStateException("request " + pending.requestId() + " exists already");
    }
    requests.put(pending.requestId(), pending);
  }

  @Override
  public synchronized Optional<ApprovalRecord> find(String requestId) {
    return Optional.ofNullable(requests.get(Objects.requireNonNull(requestId, "requestId")));
  }

  @Override
  public synchronized Optional<ApprovalRecord> findOpen(String bindingHash, Instant now) {
    Objects.requireNonNull(bindingHash, "bindingHash must not be null");
    Objects.requireNonNull(now, "now must not be null");
    return requests.values().stream()
        .filter(r -> r.bindingHash().equals(bindingHash))
        .filter(r -> r.status() == ApprovalStatus.PENDING || r.status() == ApprovalStatus.APPROVED)
        .filter(r -> r.expiresAt().isAfter(now))
        .max(Comparator.comparing((ApprovalRecord r) -> r.status() == ApprovalStatus.APPROVED)
            .thenComparing(ApprovalRecord::requestedAt));
  }

  @Override
  public synchronized List<ApprovalRecord> pending(Instant now) {
    Objects.requireNonNull(now, "now must not be null");
    return requests.values().stream()
        .filter(r -> r.status() == ApprovalStatus.PENDING && r.expiresAt().isAfter(now))
        .sorted(Comparator.comparing(ApprovalRecord::requestedAt))
        .toList();
  }

  @Override
  public synchronized Optional<ApprovalRecord> decide(String requestId, ApprovalDecision decision,
      Long grantedMaxRows, Instant at, Instant grantExpiresAt) {
    Objects.requireNonNull(decision, "decision must not be null");
    Objects.requireNonNull(at, "at must not be null");
    ApprovalRecord r = requests.get(Objects.requireNonNull(requestId, "requestId"));
    if (r == null || r.status() != ApprovalStatus.PENDING || !r.expiresAt().isAfter(at)) {
      return Optional.empty();
    }
    ApprovalRecord decided = decision.approved()
        ? new ApprovalRecord(r.requestId(), r.bindingHash(), r.call(), r.effect(),
            r.askedMaxRows(), ApprovalStatus.APPROVED, r.requestedAt(),
            Objects.requireNonNull(grantExpiresAt, "grantExpiresAt must not be null"),
            decision.by(), decision.comment(), grantedMaxRows, at, null)
        : new ApprovalRecord(r.requestId(), r.bindingHash(), r.call(), r.effect(),
            r.askedMaxRows(), ApprovalStatus.REJECTED, r.requestedAt(), r.expiresAt(),
            decision.by(), decision.comment(), null, at, null);
    requests.put(requestId, decided);
    return Optional.of(decided);
  }

  @Override
  public synchronized boolean use(String requestId, Instant at) {
    Objects.requireNonNull(at, "at must not be null");
    ApprovalRecord r = requests.get(Objects.requireNonNull(requestId, "requestId"));
    if (r == null || r.status() != ApprovalStatus.APPROVED || !r.expiresAt().isAfter(at)) {
      return false;
    }
    requests.put(requestId, withStatus(r, ApprovalStatus.USED, at));
    return true;
  }

  @Override
  public synchronized List<ApprovalRecord> expire(Instant now) {
    Objects.requireNonNull(now, "now must not be null");
    List<ApprovalRecord> expired = new ArrayList<>();
    for (ApprovalRecord r : List.copyOf(requests.values())) {
      boolean open = r.status() == ApprovalStatus.PENDING || r.status() == ApprovalStatus.APPROVED;
      if (open && !r.expiresAt().isAfter(now)) {
        ApprovalRecord e = withStatus(r, ApprovalStatus.EXPIRED, null);
        requests.put(r.requestId(), e);
        expired.add(e);
      }
    }
    return expired;
  }

  @Override
  public synchronized void recordStagingRun(StagingRun run) {
    stagingRuns.add(Objects.requireNonNull(run, "run must not be null"));
  }

  @Override
  public synchronized Optional<StagingRun> lastStagingRun(String stagingEnvironment,
      String statementSha256, Instant since) {
    Objects.requireNonNull(stagingEnvironment, "stagingEnvironment must not be null");
    Objects.requireNonNull(statementSha256, "statementSha256 must not be null");
    Objects.requireNonNull(since, "since must not be null");
    return stagingRuns.stream()
        .filter(run -> run.stagingEnvironment().equals(stagingEnvironment))
        .filter(run -> run.statementSha256().equals(statementSha256))
        .filter(run -> !run.ranAt().isBefore(since))
        .max(Comparator.comparing(StagingRun::ranAt));
  }

  @Override
  public String toString() {
    return "ApprovalStore.inMemory()";
  }

  private static ApprovalRecord withStatus(ApprovalRecord r, ApprovalStatus status, Instant used) {
    return new ApprovalRecord(r.requestId(), r.bindingHash(), r.call(), r.effect(),
        r.askedMaxRows(), status, r.requestedAt(), r.expiresAt(), r.decidedBy(), r.comment(),
        r.grantedMaxRows(), r.decidedAt(), used);
  }
}
