package dev.airlock;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The kill switch of one process: lock-free reads on every call, writes rare. */
final class InMemoryKillSwitch implements KillSwitch {
  private final Clock clock;
  private final AtomicReference<Engagement> global = new AtomicReference<>();
  private final Map<String, Engagement> byAgent = new ConcurrentHashMap<>();

  InMemoryKillSwitch(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void engage(String reason, String by) {
    global.set(new Engagement(null, reason, by, clock.instant()));
  }

  @Override
  public void engageForAgent(String agent, String reason, String by) {
    Checks.notBlank(agent, "agent");
    byAgent.put(agent, new Engagement(agent, reason, by, clock.instant()));
  }

  @Override
  public void release(String by) {
    Checks.notBlank(by, "by");
    global.set(null);
  }

  @Override
  public void releaseForAgent(String agent, String by) {
    Checks.notBlank(agent, "agent");
    Checks.notBlank(by, "by");
    byAgent.remove(agent);
  }

  @Override
  public Optional<Engagement> engagementFor(String agent) {
    Checks.notNull(agent, "agent");
    Engagement all = global.get();
    return all != null ? Optional.of(all) : Optional.ofNullable(byAgent.get(agent));
  }
}
