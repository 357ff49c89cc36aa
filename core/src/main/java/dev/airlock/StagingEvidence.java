package dev.airlock;

import dev.airlock.approval.ApprovalStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging runs behind the staging-first policy: recorded after a write on a staging mirror of
 * production succeeded, and looked up for the same statement on production.
 */
final class StagingEvidence {
  private static final Logger log = LoggerFactory.getLogger(StagingEvidence.class);

  private final Collection<Environment> environments;
  private final ApprovalStore store;
  private final Clock clock;
  private final Airlock airlock;

  StagingEvidence(Collection<Environment> environments, ApprovalStore store, Clock clock,
      Airlock airlock) {
    this.environments = environments;
    this.store = store;
    this.clock = clock;
    this.airlock = airlock;
  }

  /**
   * The newest run of a statement on any staging mirror of {@code production}, or null.
   *
   * @throws RuntimeException if the store cannot be read
   */
  StagingRun newest(Environment production, String statementSha256) {
    StagingRun newest = null;
    for (Environment staging : environments) {
      if (staging.tier() == Tier.STAGING && production.name().equals(staging.mirrors())) {
        StagingRun run = store.lastStagingRun(staging.name(), statementSha256, Instant.EPOCH)
            .orElse(null);
        if (run != null && (newest == null || run.ranAt().isAfter(newest.ranAt()))) {
          newest = run;
        }
      }
    }
    return newest;
  }

  /**
   * Records a write that ran on a staging mirror and said what it changed (as {@code
   * GuardedDataSource} does); anything else is no evidence. A failure is logged: without the
   * evidence, production asks for another staging run (fail closed).
   */
  void record(ToolCall call, Environment environment, String statementSha256,
      Execution execution) {
    if (environment.tier() != Tier.STAGING || environment.mirrors() == null
        || execution.decision().effect() == Effect.READ || !execution.reportedRows()) {
      return;
    }
    Long rows = execution.changedRows();
    StagingRun run = new StagingRun(statementSha256, environment.name(), environment.mirrors(),
        rows == null ? -1 : rows, clock.instant(), call.callId(), call.agent());
    try {
      store.recordStagingRun(run);
    } catch (RuntimeException e) {
      log.warn("Staging run of call {} could not be recorded ({}); production will ask for"
          + " another", call.callId(), e.getClass().getName());
      return;
    }
    airlock.audit(AuditRecords.stagingRun(run));
  }
}
