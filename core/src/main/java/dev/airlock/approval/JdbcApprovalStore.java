package dev.airlock.approval;

import dev.airlock.Effect;
import dev.airlock.KillSwitch;
import dev.airlock.StagingRun;
import dev.airlock.ToolCall;
import dev.airlock.audit.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * An {@link ApprovalStore} in a PostgreSQL or H2 database, shared by every instance that uses the
 * same database, with the {@linkplain #killSwitch() kill switch} those instances share.
 *
 * <pre>{@code
 * JdbcApprovalStore store = JdbcApprovalStore.builder(dataSource).build();
 * Airlock airlock = Airlock.builder()
 *     .killSwitch(store.killSwitch())
 *     …
 *     .build();
 * }</pre>
 *
 * <p><b>Tables.</b> Four tables prefixed {@code airlock_}, created by versioned scripts shipped in
 * airlock-core ({@code dev/airlock/approval/schema/postgresql/V1__airlock_approvals.sql} and
 * {@code …/h2/…}), plain SQL in Flyway's naming. By default {@link Builder#build()} applies the
 * scripts the database lacks; a team that manages its schema itself runs them with Flyway or
 * Liquibase and builds with {@code applySchema(false)}. Each script records its version in {@code
 * airlock_schema_version}; a database at a newer version than this code knows is refused.
 *
 * <p><b>Concurrency.</b> Every change of status is one conditional {@code UPDATE} that names the
 * status it expects ({@code … WHERE request_id = ? AND status = 'APPROVED' AND expires_at > ?}),
 * never a read followed by a write, so of any number of instances racing for a request the
 * database lets exactly one change it. Instants are kept as microseconds since the epoch; finer
 * parts are dropped, which can only make a request expire earlier, never later.
 *
 * <p><b>Failures.</b> Every method borrows a connection from the data source and returns it before
 * it returns. A {@link SQLException} becomes an {@link ApprovalStoreException} that names what
 * could not be done (never the values involved); a row that was changed outside Airlock so that
 * its call no longer matches its binding hash is refused the same way, so that no grant is ever
 * honoured for a call other than the one approved.
 *
 * <p>Thread-safe.
 */
public final class JdbcApprovalStore implements ApprovalStore {

  /** Default time an engagement of the kill switch may take to reach this instance: 1 second. */
  public static final Duration DEFAULT_KILL_SWITCH_STALENESS = Duration.ofSeconds(1);

  private static final String COLUMNS = "request_id, binding_hash, call_json, effect,"
      + " asked_max_rows, status, requested_at, expires_at, decided_by, decision_comment,"
      + " granted_max_rows, decided_at, used_at";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM airlock_approvals";
  private static final String OPEN = "status IN ('PENDING', 'APPROVED')";

  private final DataSource dataSource;
  private final StoreDialect dialect;
  private final JdbcKillSwitch killSwitch;

  private JdbcApprovalStore(DataSource dataSource, StoreDialect dialect, Duration staleness,
      Clock clock) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.killSwitch = new JdbcKillSwitch(this, dialect, staleness, clock);
  }

  /**
   * Starts a store on a data source. The data source should hand out connections of a pool; each
   * method of the store borrows one and returns it.
   *
   * @param dataSource the PostgreSQL or H2 database to keep approvals in
   * @return a new builder
   * @throws NullPointerException if {@code dataSource} is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource must not be null"));
  }

  /**
   * The kill switch kept in this store's database: an engagement made through any instance
   * reaches every instance within the staleness set on the builder ({@link
   * Builder#killSwitchStaleness(Duration)}), and at once the instance that made it. If the
   * database cannot be read, {@link KillSwitch#engagementFor(String)} throws, and Airlock denies
   * every call (fail closed). Pass it to {@code Airlock.builder().killSwitch(…)}, which audits
   * every change.
   *
   * <p>The scope of all agents is kept as {@code '*'}, so no single agent may be named {@code
   * "*"} when engaging or releasing.
   *
   * @return the one kill switch of this store
   */
  public KillSwitch killSwitch() {
    return killSwitch;
  }

  @Override
  public void create(ApprovalRecord pending) {
    Objects.requireNonNull(pending, "pending must not be null");
    if (pending.status() != ApprovalStatus.PENDING) {
      throw new IllegalArgumentException("a new request must be PENDING, but was "
          + pending.status());
    }
    String hash = ApprovalGrant.bindingHash(pending.call());
    if (!hash.equals(pending.bindingHash())) {
      throw new IllegalArgumentException("request " + pending.requestId() + " has bindingHash "
          + pending.bindingHash() + ", but its call hashes to " + hash
          + "; build it with ApprovalRecord.pending");
    }
    String callJson = callJson(pending.call());
    run("create a request", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO airlock_approvals (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, pending.requestId());
        ps.setString(2, pending.bindingHash());
        ps.setString(3, callJson);
        ps.setString(4, pending.effect().name());
        setLong(ps, 5, pending.askedMaxRows());
        ps.setString(6, ApprovalStatus.PENDING.name());
        ps.setLong(7, micros(pending.requestedAt(), "requestedAt"));
        ps.setLong(8, micros(pending.expiresAt(), "expiresAt"));
        ps.setNull(9, Types.VARCHAR);
        ps.setNull(10, Types.VARCHAR);
        ps.setNull(11, Types.BIGINT);
        ps.setNull(12, Types.BIGINT);
        ps.setNull(13, Types.BIGINT);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (StoreDialect.DUPLICATE_KEY.equals(e.getSQLState())) {
          throw new IllegalStateException("request " + pending.requestId() + " exists already",
              e);
        }
        throw e;
      }
      return null;
    });
  }

  @Override
  public Optional<ApprovalRecord> find(String requestId) {
    Objects.requireNonNull(requestId, "requestId must not be null");
    return run("find a request", c -> find(c, requestId));
  }

  @Override
  public Optional<ApprovalRecord> findOpen(String bindingHash, Instant now) {
    Objects.requireNonNull(bindingHash, "bindingHash must not be null");
    Objects.requireNonNull(now, "now must not be null");
    return run("find the open request of a call", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE binding_hash = ? AND "
          + OPEN + " AND expires_at > ? ORDER BY CASE WHEN status = 'APPROVED' THEN 0 ELSE 1"
          + " END, requested_at DESC, request_id DESC"
          + " FETCH FIRST 1 ROWS ONLY")) {
        ps.setString(1, bindingHash);
        ps.setLong(2, micros(now, "now"));
        List<ApprovalRecord> found = records(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public List<ApprovalRecord> pending(Instant now) {
    Objects.requireNonNull(now, "now must not be null");
    return run("list the pending requests", c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE status = 'PENDING'"
          + " AND expires_at > ? ORDER BY requested_at, request_id")) {
        ps.setLong(1, micros(now, "now"));
        return records(ps);
      }
    });
  }

  @Override
  public Optional<ApprovalRecord> decide(String requestId, ApprovalDecision decision,
      Long grantedMaxRows, Instant at, Instant grantExpiresAt) {
    Objects.requireNonNull(requestId, "requestId must not be null");
    Objects.requireNonNull(decision, "decision must not be null");
    Objects.requireNonNull(at, "at must not be null");
    if (decision.approved()) {
      Objects.requireNonNull(grantExpiresAt, "grantExpiresAt must not be null");
      if (grantedMaxRows != null && grantedMaxRows < 0) {
        throw new IllegalArgumentException("grantedMaxRows must not be negative, but was "
            + grantedMaxRows);
      }
    }
    // The read-back shares the transaction, whose row lock keeps another instance from using
    // the grant before this caller has seen it as decided.
    return inTransaction("decide a request", c -> {
      String sql = decision.approved()
          ? "UPDATE airlock_approvals SET status = 'APPROVED', decided_by = ?,"
              + " decision_comment = ?, decided_at = ?, granted_max_rows = ?, expires_at = ?"
              + " WHERE request_id = ? AND status = 'PENDING' AND expires_at > ?"
          : "UPDATE airlock_approvals SET status = 'REJECTED', decided_by = ?,"
              + " decision_comment = ?, decided_at = ?, granted_max_rows = NULL"
              + " WHERE request_id = ? AND status = 'PENDING' AND expires_at > ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setString(i++, decision.by());
        ps.setString(i++, decision.comment());
        ps.setLong(i++, micros(at, "at"));
        if (decision.approved()) {
          setLong(ps, i++, grantedMaxRows);
          ps.setLong(i++, micros(grantExpiresAt, "grantExpiresAt"));
        }
        ps.setString(i++, requestId);
        ps.setLong(i, micros(at, "at"));
        if (ps.executeUpdate() != 1) {
          return Optional.empty();
        }
      }
      return find(c, requestId);
    });
  }

  @Override
  public boolean use(String requestId, Instant at) {
    Objects.requireNonNull(requestId, "requestId must not be null");
    Objects.requireNonNull(at, "at must not be null");
    return run("use a grant", c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE airlock_approvals SET"
          + " status = 'USED', used_at = ? WHERE request_id = ? AND status = 'APPROVED'"
          + " AND expires_at > ?")) {
        long micros = micros(at, "at");
        ps.setLong(1, micros);
        ps.setString(2, requestId);
        ps.setLong(3, micros);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<ApprovalRecord> expire(Instant now) {
    Objects.requireNonNull(now, "now must not be null");
    long micros = micros(now, "now");
    return run("expire requests", c -> {
      List<String> candidates = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT request_id FROM airlock_approvals"
          + " WHERE " + OPEN + " AND expires_at <= ? ORDER BY expires_at, request_id")) {
        ps.setLong(1, micros);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            candidates.add(rs.getString(1));
          }
        }
      }
      List<ApprovalRecord> expired = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("UPDATE airlock_approvals SET"
          + " status = 'EXPIRED' WHERE request_id = ? AND " + OPEN + " AND expires_at <= ?")) {
        for (String requestId : candidates) {
          ps.setString(1, requestId);
          ps.setLong(2, micros);
          // Another instance may have expired, used or decided it since the select.
          if (ps.executeUpdate() == 1) {
            // EXPIRED is final: what is read back is what this call made it.
            find(c, requestId).ifPresent(expired::add);
          }
        }
      }
      return expired;
    });
  }

  @Override
  public void recordStagingRun(StagingRun run) {
    Objects.requireNonNull(run, "run must not be null");
    run("record a staging run", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO airlock_staging_runs"
          + " (statement_sha256, staging_environment, production_environment, rows_changed,"
          + " ran_at, call_id, agent) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, run.statementSha256());
        ps.setString(2, run.stagingEnvironment());
        ps.setString(3, run.productionEnvironment());
        ps.setLong(4, run.rowsChanged());
        ps.setLong(5, micros(run.ranAt(), "ranAt"));
        ps.setString(6, run.callId());
        ps.setString(7, run.agent());
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<StagingRun> lastStagingRun(String stagingEnvironment, String statementSha256,
      Instant since) {
    Objects.requireNonNull(stagingEnvironment, "stagingEnvironment must not be null");
    Objects.requireNonNull(statementSha256, "statementSha256 must not be null");
    Objects.requireNonNull(since, "since must not be null");
    return run("find a staging run", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT statement_sha256,"
          + " staging_environment, production_environment, rows_changed, ran_at, call_id, agent"
          + " FROM airlock_staging_runs WHERE statement_sha256 = ? AND staging_environment = ?"
          + " AND ran_at >= ? ORDER BY ran_at DESC, id DESC FETCH FIRST 1 ROWS ONLY")) {
        ps.setString(1, statementSha256);
        ps.setString(2, stagingEnvironment);
        ps.setLong(3, micros(since, "since"));
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          try {
            return Optional.of(new StagingRun(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getLong(4), instant(rs.getLong(5)), rs.getString(6), rs.getString(7)));
          } catch (IllegalArgumentException | NullPointerException e) {
            throw new ApprovalStoreException(this + " holds a staging run that is not valid"
                + " (" + e.getMessage() + "); it was changed outside Airlock", e);
          }
        }
      }
    });
  }

  /**
   * Names the store: its database and that it is JDBC, never how it connects.
   *
   * @return e.g. {@code JdbcApprovalStore[PostgreSQL]}
   */
  @Override
  public String toString() {
    return "JdbcApprovalStore[" + dialect.productName() + "]";
  }

  /**
   * Runs one piece of work on a borrowed connection, committed before the connection goes back:
   * a pool that hands out connections without auto-commit (common with HikariCP and JPA) would
   * otherwise roll back a used grant or an engaged kill switch when the connection is closed.
   */
  <T> T run(String operation, SqlWork<T> work) {
    return inTransaction(operation, work);
  }

  /** Runs one piece of work in one transaction: committed if it returns, rolled back otherwise. */
  private <T> T inTransaction(String operation, SqlWork<T> work) {
    return borrowed(operation, c -> {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    });
  }

  private <T> T borrowed(String operation, SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(operation, e);
    }
  }

  ApprovalStoreException failure(String operation, SQLException e) {
    return new ApprovalStoreException(this + " could not " + operation + " (SQLSTATE "
        + e.getSQLState() + ")", e);
  }

  private Optional<ApprovalRecord> find(Connection c, String requestId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE request_id = ?")) {
      ps.setString(1, requestId);
      List<ApprovalRecord> found = records(ps);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  private List<ApprovalRecord> records(PreparedStatement ps) throws SQLException {
    List<ApprovalRecord> records = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        records.add(record(rs));
      }
    }
    return records;
  }

  private ApprovalRecord record(ResultSet rs) throws SQLException {
    String requestId = rs.getString("request_id");
    String bindingHash = rs.getString("binding_hash");
    ApprovalRecord record;
    try {
      record = new ApprovalRecord(
          requestId,
          bindingHash,
          call(rs.getString("call_json")),
          Effect.valueOf(rs.getString("effect")),
          nullableLong(rs, "asked_max_rows"),
          ApprovalStatus.valueOf(rs.getString("status")),
          instant(rs.getLong("requested_at")),
          instant(rs.getLong("expires_at")),
          rs.getString("decided_by"),
          rs.getString("decision_comment"),
          nullableLong(rs, "granted_max_rows"),
          nullableInstant(rs, "decided_at"),
          nullableInstant(rs, "used_at"));
    } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
      throw new ApprovalStoreException(this + " holds request " + requestId + " in a form"
          + " Airlock cannot read (" + e.getMessage() + "); it was changed outside Airlock, and"
          + " it is not used", e);
    }
    if (!ApprovalGrant.bindingHash(record.call()).equals(bindingHash)) {
      throw new ApprovalStoreException(this + " holds request " + requestId + " whose call does"
          + " not hash to its binding hash: the row was changed outside Airlock, or the"
          + " database could not keep the call's text exactly. It is not used", null);
    }
    return record;
  }

  /** The call as canonical JSON: every component, so that it can be run again as it was. */
  static String callJson(ToolCall call) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("callId", call.callId());
    json.put("tool", call.tool());
    json.put("arguments", call.arguments());
    json.put("environment", call.environment());
    json.put("agent", call.agent());
    json.put("sessionId", call.sessionId());
    json.put("reason", call.reason());
    return new String(CanonicalJson.bytes(json), StandardCharsets.UTF_8);
  }

  /**
   * The call written by {@link #callJson}. Numbers come back as the canonical form reads them
   * ({@code 5L} as {@code 5}, {@code 0.5d} as {@code BigDecimal 0.5}), which writes the same
   * bytes, so the binding hash is the same.
   */
  @SuppressWarnings("unchecked")
  static ToolCall call(String json) {
    Map<String, Object> map = CanonicalJson.parse(json);
    return new ToolCall(
        (String) map.get("callId"),
        (String) map.get("tool"),
        (Map<String, Object>) map.get("arguments"),
        (String) map.get("environment"),
        (String) map.get("agent"),
        (String) map.get("sessionId"),
        (String) map.get("reason"));
  }

  /** Microseconds since the epoch; finer parts are dropped (towards the past). */
  static long micros(Instant instant, String name) {
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
          instant.getNano() / 1_000);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(name + " is " + instant + ", beyond the years the"
          + " approval store can hold", e);
    }
  }

  static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
    long micros = rs.getLong(column);
    return rs.wasNull() ? null : instant(micros);
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  /** Work on one connection. */
  @FunctionalInterface
  interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Builds a {@link JdbcApprovalStore}. Not thread-safe; {@link #build()} copies its settings, so
   * a builder can be reused.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private boolean applySchema = true;
    private Duration killSwitchStaleness = DEFAULT_KILL_SWITCH_STALENESS;
    private Clock clock = Clock.systemUTC();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Whether {@link #build()} creates the tables this store needs (the default), or only checks
     * that a team's own migration (Flyway, Liquibase) created them.
     *
     * @param applySchema {@code true} to apply the missing schema versions, {@code false} to
     *     check them only
     * @return this builder
     */
    public Builder applySchema(boolean applySchema) {
      this.applySchema = applySchema;
      return this;
    }

    /**
     * How long this instance may answer from the kill switch it read last, before it reads the
     * database again: an engagement made elsewhere reaches it within this time. By default 1
     * second; {@link Duration#ZERO} reads the database on every call.
     *
     * @param staleness the longest time an answer is kept, zero or more
     * @return this builder
     * @throws NullPointerException if {@code staleness} is null
     * @throws IllegalArgumentException if {@code staleness} is negative
     */
    public Builder killSwitchStaleness(Duration staleness) {
      Objects.requireNonNull(staleness, "killSwitchStaleness must not be null");
      if (staleness.isNegative()) {
        throw new IllegalArgumentException("killSwitchStaleness must be zero or more, but was "
            + staleness);
      }
      this.killSwitchStaleness = staleness;
      return this;
    }

    /**
     * The clock of the kill switch: when an engagement is recorded, and how old a cached answer
     * is. By default {@link Clock#systemUTC()}; with a system clock, cached answers age by {@link
     * System#nanoTime()}, so that a step back of the wall clock cannot keep a stale answer (with
     * another clock, one that steps back keeps it longer). The approval methods take their time
     * as arguments and do not use it.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Connects once to find the database, then applies or checks the schema.
     *
     * @return the store
     * @throws IllegalArgumentException if the database is neither PostgreSQL nor H2
     * @throws IllegalStateException if {@code applySchema(false)} and the tables are missing or
     *     behind (the message names the script to run), or if the database's schema is newer
     *     than this code knows
     * @throws ApprovalStoreException if the database cannot be reached, read or changed
     */
    public JdbcApprovalStore build() {
      StoreDialect dialect;
      try (Connection c = dataSource.getConnection()) {
        dialect = StoreDialect.of(c.getMetaData().getDatabaseProductName());
      } catch (SQLException e) {
        throw new ApprovalStoreException("JdbcApprovalStore could not connect to its database to"
            + " find which one it is (SQLSTATE " + e.getSQLState() + ")", e);
      }
      if (applySchema) {
        ApprovalSchema.apply(dataSource, dialect);
      } else {
        ApprovalSchema.check(dataSource, dialect);
      }
      return new JdbcApprovalStore(dataSource, dialect, killSwitchStaleness, clock);
    }
  }
}
