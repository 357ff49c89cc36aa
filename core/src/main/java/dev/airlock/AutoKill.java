package dev.airlock;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an agent that is refused again and again: a Resilience4j {@link CircuitBreaker} per agent
 * counts its refusals in a time window, and when it opens, the kill switch is engaged for that
 * agent ({@code AUTO_KILL}) until a person releases it. The breaker's own state never lets calls
 * through or stops them; only the kill switch does, so a breaker left alone cannot half-open the
 * agent back in. Held in this JVM only.
 */
final class AutoKill {
  private static final Logger log = LoggerFactory.getLogger(AutoKill.class);
  private static final String BY = "airlock (auto-kill)";

  private final int minimumCalls;
  private final int refusalPercent;
  private final Duration window;
  private final CircuitBreakerConfig config;
  private final AuditedKillSwitch killSwitch;
  private final Map<String, CircuitBreaker> byAgent = new ConcurrentHashMap<>();
  /** Agents whose breaker opened but whose kill switch could not be engaged: tried again. */
  private final Map<String, String> notYetStopped = new ConcurrentHashMap<>();

  AutoKill(int minimumCalls, int refusalPercent, Duration window, Clock clock,
      AuditedKillSwitch killSwitch) {
    this.minimumCalls = minimumCalls;
    this.refusalPercent = refusalPercent;
    this.window = window;
    this.killSwitch = killSwitch;
    this.config = CircuitBreakerConfig.custom()
        .slidingWindow((int) window.toSeconds(), minimumCalls, SlidingWindowType.TIME_BASED)
        .failureRateThreshold(refusalPercent)
        // Never half-open by itself: only a person releasing the kill switch lets the agent in.
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .waitDurationInOpenState(Duration.ofDays(365))
        .clock(clock)
        .build();
  }

  /** Counts a call the agent was refused; may engage the kill switch for the agent. */
  void refused(String agent) {
    String reason = notYetStopped.get(agent);
    if (reason != null) {
      engage(agent, reason);
      return;
    }
    breaker(agent).onError(0, TimeUnit.NANOSECONDS, Refusal.INSTANCE);
  }

  /** Counts a call the agent was allowed to run. */
  void allowed(String agent) {
    breaker(agent).onSuccess(0, TimeUnit.NANOSECONDS);
  }

  String describe() {
    return refusalPercent + "% of at least " + minimumCalls + " calls refused within "
        + window.toSeconds() + " s";
  }

  private CircuitBreaker breaker(String agent) {
    CircuitBreaker breaker = byAgent.computeIfAbsent(agent, this::create);
    if (breaker.getState() != CircuitBreaker.State.CLOSED && !notYetStopped.containsKey(agent)) {
      // The agent got this far, so a person released its kill switch: start counting afresh.
      breaker.reset();
    }
    return breaker;
  }

  private CircuitBreaker create(String agent) {
    CircuitBreaker breaker = CircuitBreaker.of("airlock-refusals-" + agent, config);
    breaker.getEventPublisher().onStateTransition(event -> {
      if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        String reason = "AUTO_KILL: agent '" + agent + "' was refused "
            + m.getNumberOfFailedCalls() + " of its last " + m.getNumberOfBufferedCalls()
            + " calls within " + window.toSeconds() + " s (the limit is " + describe()
            + "); a person must release the kill switch for it";
        engage(agent, reason);
      }
    });
    return breaker;
  }

  private void engage(String agent, String reason) {
    try {
      killSwitch.autoKill(agent, reason, BY);
      notYetStopped.remove(agent);
    } catch (RuntimeException e) {
      // Tried again on the agent's next refusal, until the switch takes it.
      notYetStopped.put(agent, reason);
      log.error("Kill switch could not be engaged for agent {} ({}); trying again on its next"
          + " refusal: {}", agent, e.getClass().getName(), reason);
    }
  }

  /** What the breaker records for a refusal; never thrown. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Refusal INSTANCE = new Refusal();

    private Refusal() {
      super("refused", null, false, false);
    }
  }
}
