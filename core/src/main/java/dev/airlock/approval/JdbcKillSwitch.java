package dev.airlock.approval;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.airlock.KillSwitch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The kill switch of a {@link JdbcApprovalStore}: one row per engaged scope in {@code
 * airlock_kill_switch}, {@code '*'} for all agents. Reads go through a one-entry cache of every
 * engagement (the table is tiny) that lives for the staleness set on the builder. A change made
 * through this instance empties it at once, and a read that was under way during the change is
 * not kept. A failed read is never cached: it throws, and the next call reads again.
 */
final class JdbcKillSwitch implements KillSwitch {
  /** The scope of all agents. */
  static final String ALL_AGENTS = "*";

  private static final String SNAPSHOT = "engagements";

  private final JdbcApprovalStore store;
  private final StoreDialect dialect;
  private final Duration staleness;
  private final Clock clock;
  /** Null when the staleness is zero: every call reads the table. */
  private final Cache<String, Engagements> cache;
  /** Counts the changes made through this instance, so that a read from before one is not kept. */
  private final AtomicLong changes = new AtomicLong();

  JdbcKillSwitch(JdbcApprovalStore store, StoreDialect dialect, Duration staleness, Clock clock) {
    this.store = store;
    this.dialect = dialect;
    this.staleness = staleness;
    this.clock = clock;
    this.cache = staleness.isZero() ? null : Caffeine.newBuilder()
        .expireAfterWrite(staleness)
        .ticker(ticker(clock))
        .executor(Runnable::run)
        .build();
  }

  @Override
  public void engage(String reason, String by) {
    write("engage the kill switch for all agents",
        new Engagement(null, reason, by, now()));
  }

  @Override
  public void engageForAgent(String agent, String reason, String by) {
    checkAgent(agent);
    write("engage the kill switch for an agent", new Engagement(agent, reason, by, now()));
  }

  @Override
  public void release(String by) {
    notBlank(by, "by");
    delete("release the kill switch for all agents", ALL_AGENTS);
  }

  @Override
  public void releaseForAgent(String agent, String by) {
    checkAgent(agent);
    notBlank(by, "by");
    delete("release the kill switch for an agent", agent);
  }

  /**
   * {@inheritDoc}
   *
   * @throws ApprovalStoreException if the table cannot be read: Airlock then denies the call
   */
  @Override
  public Optional<Engagement> engagementFor(String agent) {
    Objects.requireNonNull(agent, "agent must not be null");
    Engagements engagements = cache == null ? null : cache.getIfPresent(SNAPSHOT);
    if (engagements == null) {
      long seen = changes.get();
      engagements = read(); // throws, and caches nothing, if the table cannot be read
      if (cache != null) {
        synchronized (this) {
          // A change made through this instance while the table was read may be missing from
          // what was read: answer with it once, but do not keep it.
          if (changes.get() == seen) {
            cache.put(SNAPSHOT, engagements);
          }
        }
      }
    }
    Engagement all = engagements.all();
    return all != null ? Optional.of(all) : Optional.ofNullable(engagements.byAgent().get(agent));
  }

  @Override
  public String toString() {
    return "JdbcKillSwitch[" + dialect.productName() + ", staleness " + staleness + "]";
  }

  private Engagements read() {
    return store.run("read the kill switch", c -> {
      Engagement all = null;
      Map<String, Engagement> byAgent = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
              "SELECT scope, reason, engaged_by, engaged_at FROM airlock_kill_switch");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String scope = rs.getString(1);
          Engagement e;
          try {
            e = new Engagement(ALL_AGENTS.equals(scope) ? null : scope, rs.getString(2),
                rs.getString(3), JdbcApprovalStore.instant(rs.getLong(4)));
          } catch (IllegalArgumentException | NullPointerException invalid) {
            // Unreadable is not released: the caller denies.
            throw new ApprovalStoreException(store + " holds a kill switch row that is not valid ("
                + invalid.getMessage() + "); it was changed outside Airlock", invalid);
          }
          if (e.isGlobal()) {
            all = e;
          } else {
            byAgent.put(scope, e);
          }
        }
      }
      return new Engagements(all, Map.copyOf(byAgent));
    });
  }

  private void write(String operation, Engagement engagement) {
    try {
      store.run(operation, c -> {
        try (PreparedStatement ps = c.prepareStatement(dialect.engageSql())) {
          ps.setString(1, engagement.isGlobal() ? ALL_AGENTS : engagement.agent());
          ps.setString(2, engagement.reason());
          ps.setString(3, engagement.by());
          ps.setLong(4, JdbcApprovalStore.micros(engagement.at(), "the clock's time"));
          return ps.executeUpdate();
        }
      });
    } finally {
      invalidate();
    }
  }

  private void delete(String operation, String scope) {
    try {
      store.run(operation, c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM airlock_kill_switch WHERE scope = ?")) {
          ps.setString(1, scope);
          return ps.executeUpdate();
        }
      });
    } finally {
      invalidate();
    }
  }

  private void invalidate() {
    if (cache != null) {
      synchronized (this) {
        changes.incrementAndGet();
        cache.invalidate(SNAPSHOT);
      }
    }
  }

  private Instant now() {
    // The table keeps microseconds; an engagement reads back as it was made.
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static void checkAgent(String agent) {
    notBlank(agent, "agent");
    if (ALL_AGENTS.equals(agent)) {
      throw new IllegalArgumentException("agent must not be '" + ALL_AGENTS + "', which the kill"
          + " switch table keeps for all agents; use engage or release for all agents");
    }
  }

  private static void notBlank(String value, String name) {
    Objects.requireNonNull(value, name + " must not be null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, but was '" + value + "'");
    }
  }

  /**
   * The cache's time. A system clock (of any zone) ages answers by {@link System#nanoTime()},
   * which never steps back; another clock (a test's) is read as it is, counted from when the
   * switch was made.
   */
  private static Ticker ticker(Clock clock) {
    if (clock.getClass() == Clock.systemUTC().getClass()) {
      return Ticker.systemTicker();
    }
    Instant start = clock.instant();
    return () -> Duration.between(start, clock.instant()).toNanos();
  }

  /** Every engagement at one moment. */
  private record Engagements(Engagement all, Map<String, Engagement> byAgent) {}
}
