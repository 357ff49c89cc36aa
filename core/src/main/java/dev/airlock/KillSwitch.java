package dev.airlock;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Stops agents at once: while engaged, every call in its scope is denied ({@link
 * ReasonCode#KILL_SWITCH}) before any other work is done.
 *
 * <p>The switch has one scope for all agents and one per agent; a call is stopped when either is
 * engaged. {@link Airlock#killSwitch()} returns the switch of an {@code Airlock}, which records
 * every change in the audit log. The in-memory switch ({@link #inMemory()}) stops the agents of one
 * process; a shared implementation (backed by a database) can replace it so that one engagement
 * stops every instance. If an implementation cannot tell whether it is engaged, it throws, and
 * Airlock denies the call.
 *
 * <pre>{@code
 * airlock.killSwitch().engage("agent deleted rows during the code freeze", "oncall@example.com");
 * airlock.killSwitch().engageForAgent("cleanup-bot", "investigating", "oncall@example.com");
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
public interface KillSwitch {

  /**
   * Stops every agent.
   *
   * @param reason why, as the audit log and refusals show it
   * @param by who engaged it
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  void engage(String reason, String by);

  /**
   * Stops one agent.
   *
   * @param agent the agent's principal
   * @param reason why
   * @param by who engaged it
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  void engageForAgent(String agent, String reason, String by);

  /**
   * Releases the switch for all agents; engagements for single agents stay.
   *
   * @param by who released it
   * @throws NullPointerException if {@code by} is null
   * @throws IllegalArgumentException if {@code by} is blank
   */
  void release(String by);

  /**
   * Releases the switch for one agent.
   *
   * @param agent the agent's principal
   * @param by who released it
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  void releaseForAgent(String agent, String by);

  /**
   * Returns the engagement that stops this agent, if any: the one for all agents first.
   *
   * @param agent the agent's principal
   * @return the engagement, or empty when the agent may proceed
   * @throws NullPointerException if {@code agent} is null
   */
  Optional<Engagement> engagementFor(String agent);

  /**
   * A switch held in this process's memory.
   *
   * @return a new, released switch
   */
  static KillSwitch inMemory() {
    return new InMemoryKillSwitch(Clock.systemUTC());
  }

  /**
   * One engagement of the switch.
   *
   * @param agent the agent it stops, or {@code null} for all agents
   * @param reason why
   * @param by who engaged it
   * @param at when
   */
  record Engagement(String agent, String reason, String by, Instant at) {
    /**
     * Validates the components.
     *
     * @throws NullPointerException if {@code reason}, {@code by} or {@code at} is null
     * @throws IllegalArgumentException if a name is blank
     */
    public Engagement {
      Checks.nullOrNotBlank(agent, "agent");
      Checks.notBlank(reason, "reason");
      Checks.notBlank(by, "by");
      Checks.notNull(at, "at");
    }

    /**
     * Tells whether this engagement stops every agent.
     *
     * @return {@code true} for the all-agents scope
     */
    public boolean isGlobal() {
      return agent == null;
    }
  }
}
