package dev.airlock;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write budget of each agent on production: a Resilience4j {@link RateLimiter} per agent that
 * never waits. Held in this JVM only; every Airlock instance has budgets of its own.
 */
final class WriteBudget {
  private final int writes;
  private final Duration period;
  private final RateLimiterConfig config;
  private final Clock clock;
  private final Map<String, RateLimiter> byAgent = new ConcurrentHashMap<>();

  WriteBudget(int writes, Duration period, Clock clock) {
    this.writes = writes;
    this.period = period;
    this.clock = clock;
    this.config = RateLimiterConfig.custom()
        .limitForPeriod(writes)
        .limitRefreshPeriod(period)
        .timeoutDuration(Duration.ZERO)
        .build();
  }

  /** Spends one write of the agent's budget; false when none is left in this period. */
  boolean spend(String agent) {
    return byAgent.computeIfAbsent(agent,
        name -> RateLimiter.of("airlock-writes-" + name, config, this::nanos)).acquirePermission();
  }

  /** How the budget reads in a refusal: "10 writes per PT1M". */
  String describe() {
    return writes + " writes on production per " + describe(period);
  }

  private static String describe(Duration d) {
    if (d.toSeconds() % 60 == 0 && d.toMinutes() > 0) {
      return d.toMinutes() == 1 ? "minute" : d.toMinutes() + " minutes";
    }
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
