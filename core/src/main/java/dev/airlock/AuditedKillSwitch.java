package dev.airlock;

import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditSink;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill switch as {@link Airlock#killSwitch()} hands it out: every change reaches the switch
 * first and the audit log second, so that a failing log can never keep an operator from stopping
 * the agents. Changes are serialized, so the log records them in the order they took effect.
 */
final class AuditedKillSwitch implements KillSwitch {
  private static final Logger log = LoggerFactory.getLogger(AuditedKillSwitch.class);

  private final KillSwitch delegate;
  private final AuditSink audit;

  AuditedKillSwitch(KillSwitch delegate, AuditSink audit) {
    this.delegate = delegate;
    this.audit = audit;
  }

  @Override
  public synchronized void engage(String reason, String by) {
    Checks.notBlank(reason, "reason");
    Checks.notBlank(by, "by");
    delegate.engage(reason, by);
    log.warn("Kill switch engaged for all agents by {}", by);
    record(AuditRecords.killSwitch("engage", null, reason, by));
  }

  @Override
  public synchronized void engageForAgent(String agent, String reason, String by) {
    Checks.notBlank(agent, "agent");
    Checks.notBlank(reason, "reason");
    Checks.notBlank(by, "by");
    delegate.engageForAgent(agent, reason, by);
    log.warn("Kill switch engaged for agent {} by {}", agent, by);
    record(AuditRecords.killSwitch("engage", agent, reason, by));
  }

  /** Engages the switch for an agent on Airlock's own account, audited as {@code auto-kill}. */
  synchronized void autoKill(String agent, String reason, String by) {
    delegate.engageForAgent(agent, reason, by);
    log.warn("Kill switch engaged for agent {} automatically: {}", agent, reason);
    record(AuditRecords.killSwitch("auto-kill", agent, reason, by));
  }

  @Override
  public synchronized void release(String by) {
    Checks.notBlank(by, "by");
    delegate.release(by);
    log.warn("Kill switch released for all agents by {}", by);
    record(AuditRecords.killSwitch("release", null, null, by));
  }

  @Override
  public synchronized void releaseForAgent(String agent, String by) {
    Checks.notBlank(agent, "agent");
    Checks.notBlank(by, "by");
    delegate.releaseForAgent(agent, by);
    log.warn("Kill switch released for agent {} by {}", agent, by);
    record(AuditRecords.killSwitch("release", agent, null, by));
  }

  @Override
  public Optional<Engagement> engagementFor(String agent) {
    return delegate.engagementFor(agent);
  }

  private void record(AuditEvent event) {
    try {
      audit.append(event);
    } catch (RuntimeException e) {
      log.warn("Kill switch change could not be written to the audit log; the switch itself"
          + " changed", e);
    }
  }
}
