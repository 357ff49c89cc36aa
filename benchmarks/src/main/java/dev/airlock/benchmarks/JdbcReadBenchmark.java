package dev.airlock.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.airlock.Airlock;
import dev.airlock.Decision;
import dev.airlock.Environment;
import dev.airlock.ToolCall;
import dev.airlock.audit.AuditSink;
import dev.airlock.jdbc.CredentialReport;
import dev.airlock.jdbc.GuardedDataSource;
import dev.airlock.jdbc.SqlCall;
import dev.airlock.jdbc.SqlResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a guarded read ({@link GuardedDataSource#query}) costs next to the same read in raw JDBC,
 * on one embedded PostgreSQL 14, pgjdbc and one HikariCP pool of {@value #POOL_SIZE} connections
 * for both, one benchmark thread.
 *
 * <p>Two reads ({@link #read}) over a table of {@value #ROWS} executives:
 *
 * <ul>
 *   <li>{@code point}: {@code SELECT id, name, region FROM executives WHERE id = <n>}, a random id
 *       per call with the literal inlined; guarded reads take a SQL text, so every path sends the
 *       same text through a plain {@link Statement} (the {@value #ROWS} texts are built once, and
 *       all of them fit Airlock's analysis cache);
 *   <li>{@code rows200}: {@code SELECT * FROM executives ORDER BY id LIMIT 200} (8 columns).
 * </ul>
 *
 * <p>The paths, all reading every cell of every row with {@code getString}:
 *
 * <ul>
 *   <li>{@code raw}: an autocommit connection from the pool, the query, nothing else;
 *   <li>{@code guarded}: {@link GuardedDataSource#query} with the Airlock decision, on an Airlock
 *       whose {@link AuditSink} discards every event ({@link #DISCARD}: the events are built, not
 *       written);
 *   <li>{@code readOnlyTransaction}: by hand, what the guarded path does in JDBC: autocommit off,
 *       {@code setReadOnly(true)} (pgjdbc sends {@code BEGIN READ ONLY} with the query),
 *       {@code setQueryTimeout(30)}, {@code setMaxRows(201)}, rollback, state restored; no
 *       Airlock;
 *   <li>{@code setTransactionStatements}: the alternative of separate statements: autocommit
 *       off, {@code SET TRANSACTION READ ONLY}, {@code SET LOCAL statement_timeout = '30s'}, the
 *       query, rollback;
 *   <li>{@code readOnlyModeAlways}: the alternative of pgjdbc's {@code readOnlyMode=always} (a
 *       second pool of the same size with that property): autocommit stays on, {@code
 *       setReadOnly(true)} sends {@code SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY},
 *       the query with {@code setQueryTimeout(30)}, {@code setReadOnly(false)} sends it back;
 *   <li>{@code sessionReadOnly}: the one-round-trip floor, not a safe option: a third pool whose
 *       sessions are read-only for life ({@code readOnly=true}, {@code readOnlyMode=always}) with
 *       the server's statement timeout ({@code options=-c statement_timeout=30s}); autocommit, no
 *       rollback. A {@code set_config('default_transaction_read_only', 'off', false)} that got
 *       past the classifier would leave such a session read-write for every later call;
 *   <li>{@code asyncRollback}: {@code readOnlyTransaction} with the rollback, the restored state
 *       and the connection's return to the pool moved to a background thread once the rows are
 *       read: what the caller would wait for if the guarded path did the same;
 *   <li>{@code airlockDecision}: {@link Airlock#evaluate} of the same call, no database, to tell
 *       the decision from the round trips.
 * </ul>
 *
 * <p>{@link #setUp()} checks that every path reads the same rows, that the read-only paths really
 * run read-only (and the raw one does not), and that every connection goes back to the first two
 * pools in autocommit, read-write; a run that measures the wrong thing fails instead.
 *
 * <pre>{@code
 * ./mvnw -q install -DskipTests
 * java -jar benchmarks/target/benchmarks.jar JdbcReadBenchmark -rf json -rff /tmp/jdbc-bench.json
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class JdbcReadBenchmark {

  static final int ROWS = 1206;
  static final int POOL_SIZE = 4;
  static final String POINT = "SELECT id, name, region FROM executives WHERE id = ";
  static final String ROWS_200 = "SELECT * FROM executives ORDER BY id LIMIT 200";
  static final int TIMEOUT_SECONDS = 30;
  static final int MAX_ROWS = 200;
  static final String AGENT = "bench-agent";
  static final String ENVIRONMENT = "bench-db";
  static final String DATABASE = "bench";
  static final String READER = "bench_reader";

  /** The audit sink of the benchmark: Airlock builds each event, and it is dropped here. */
  static final AuditSink DISCARD = event -> { };

  /** Which read: {@code point} (one row by a random id) or {@code rows200}. */
  @Param({"point", "rows200"})
  public String read;

  private EmbeddedPostgres server;
  private HikariDataSource pool;
  private HikariDataSource alwaysPool;
  private HikariDataSource sessionPool;
  private ExecutorService cleaner;
  private Airlock airlock;
  private GuardedDataSource db;
  private String[] texts;

  /** Starts PostgreSQL, fills the table, builds the pools and the Airlock, checks every path. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    texts = switch (read) {
      case "point" -> {
        String[] all = new String[ROWS];
        for (int i = 0; i < ROWS; i++) {
          all[i] = POINT + (i + 1);
        }
        yield all;
      }
      case "rows200" -> new String[] {ROWS_200};
      default -> throw new IllegalArgumentException("no read called " + read);
    };
    long start = System.nanoTime();
    server = EmbeddedPostgres.builder().start();
    createDatabase();
    System.out.printf("%n[%s] PostgreSQL %s started and filled in %d ms%n", read,
        single(admin(DATABASE), "SHOW server_version"), millisSince(start));

    pool = pool("bench-pool", false, false);
    alwaysPool = pool("bench-pool-always", true, false);
    sessionPool = pool("bench-pool-session-read-only", true, true);
    cleaner = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "bench-rollback");
      thread.setDaemon(true);
      return thread;
    });
    airlock = Airlock.builder()
        .environment(Environment.production(ENVIRONMENT))
        .sqlTool("sql", "sql", ENVIRONMENT)
        .auditSink(DISCARD)
        .build();
    db = GuardedDataSource.builder(airlock, ENVIRONMENT).reads(pool).build();

    start = System.nanoTime();
    List<SqlResult> first = db.query(SqlCall.of(AGENT, texts[0]));
    System.out.printf("[%s] first guarded read (credentials check, first analysis): %d ms%n",
        read, millisSince(start));
    for (CredentialReport report : db.credentials()) {
      System.out.printf("[%s] %s%n", read, report.describe());
    }
    check(first.size() == 1, "one result per statement");
    check();
  }

  private void createDatabase() {
    run(admin("postgres"), "CREATE ROLE " + READER + " LOGIN",
        "CREATE DATABASE " + DATABASE, "REVOKE TEMP, CREATE ON DATABASE " + DATABASE
            + " FROM PUBLIC");
    run(admin(DATABASE), "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "CREATE TABLE executives (id integer PRIMARY KEY, name text NOT NULL, region text NOT"
            + " NULL, title text NOT NULL, email text NOT NULL, salary numeric(12, 2) NOT NULL,"
            + " hired_on date NOT NULL, active boolean NOT NULL)",
        "INSERT INTO executives SELECT g, 'Executive ' || g,"
            + " (ARRAY['EMEA', 'APAC', 'AMER', 'LATAM'])[1 + g % 4],"
            + " (ARRAY['CEO', 'CFO', 'CTO', 'COO', 'VP Sales', 'VP Engineering'])[1 + g % 6],"
            + " 'executive' || g || '@example.com', 100000 + (g * 37) % 250000,"
            + " DATE '2000-01-01' + g * 5, g % 7 <> 0 FROM generate_series(1, " + ROWS + ") g",
        "CREATE INDEX executives_region ON executives (region)",
        "GRANT SELECT ON executives TO " + READER,
        "VACUUM ANALYZE executives");
  }

  private HikariDataSource pool(String name, boolean readOnlyModeAlways,
      boolean sessionReadOnly) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    config.setJdbcUrl(server.getJdbcUrl(READER, DATABASE));
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(POOL_SIZE);
    if (readOnlyModeAlways) {
      config.addDataSourceProperty("readOnlyMode", "always");
    }
    if (sessionReadOnly) { // read-only for life, with the server's statement timeout
      config.setReadOnly(true);
      config.addDataSourceProperty("options", "-c statement_timeout=" + TIMEOUT_SECONDS + "s");
    }
    return new HikariDataSource(config);
  }

  /** Every path reads the same rows, read-only where it claims, and hands connections back clean. */
  private void check() throws Exception {
    for (String text : List.of(texts[0], texts[texts.length - 1])) {
      List<List<String>> raw = rows(pool, text);
      check(raw.size() == (read.equals("point") ? 1 : MAX_ROWS), "raw rows: " + raw.size());
      SqlResult guarded = db.query(SqlCall.of(AGENT, text)).get(0);
      check(!guarded.truncated(), "guarded result truncated");
      check(guarded.rows().equals(raw), "guarded rows differ from raw rows");
      Cells ignore = value -> { };
      check(readOnlyTransaction(text, ignore) == raw.size(), "readOnlyTransaction rows");
      check(setTransactionStatements(text, ignore) == raw.size(), "setTransactionStatements rows");
      check(readOnlyModeAlways(text, ignore) == raw.size(), "readOnlyModeAlways rows");
      check(sessionReadOnly(text, ignore) == raw.size(), "sessionReadOnly rows");
      check(asyncRollback(text, ignore) == raw.size(), "asyncRollback rows");
      check(airlock.evaluate(call(text)) instanceof Decision.Allow, "the decision is not Allow");
    }

    String setting = "SELECT current_setting('transaction_read_only') || ' '"
        + " || current_setting('statement_timeout')";
    check(rows(pool, setting).get(0).get(0).equals("off 0"), "raw is not read-write");
    check(db.query(SqlCall.of(AGENT, setting)).get(0).rows().get(0).get(0).equals("on 0"),
        "guarded is not read-only");
    readOnlyTransaction(setting, expect("readOnlyTransaction", "on 0"));
    setTransactionStatements(setting, expect("setTransactionStatements", "on 30s"));
    readOnlyModeAlways(setting, expect("readOnlyModeAlways", "on 0"));
    sessionReadOnly(setting, expect("sessionReadOnly", "on 30s"));
    asyncRollback(setting, expect("asyncRollback", "on 0"));
    cleaner.submit(() -> { }).get(); // the rollbacks before it are done

    for (HikariDataSource data : List.of(pool, alwaysPool)) {
      List<Connection> all = new ArrayList<>();
      try {
        for (int i = 0; i < POOL_SIZE; i++) {
          all.add(data.getConnection());
        }
        for (Connection c : all) {
          check(c.getAutoCommit() && !c.isReadOnly(), "a connection came back changed");
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT current_setting('transaction_read_only')")) {
            check(rs.next() && rs.getString(1).equals("off"), "a connection came back read-only");
          }
        }
      } finally {
        for (Connection c : all) {
          c.close();
        }
      }
    }
    System.out.printf("[%s] checked: same rows on every path, read-only where claimed,"
        + " connections back in autocommit read-write%n", read);
  }

  /** Closes the pools, the Airlock and PostgreSQL. */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (pool != null) {
      pool.close();
    }
    if (cleaner != null) {
      cleaner.shutdown();
      cleaner.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (alwaysPool != null) {
      alwaysPool.close();
    }
    if (sessionPool != null) {
      sessionPool.close();
    }
    if (airlock != null) {
      airlock.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private String text() {
    return texts.length == 1 ? texts[0] : texts[ThreadLocalRandom.current().nextInt(ROWS)];
  }

  private static ToolCall call(String text) {
    return ToolCall.builder("sql").argument("sql", text).environment(ENVIRONMENT).agent(AGENT)
        .build();
  }

  /** The read in plain JDBC: an autocommit connection of the pool and a Statement. */
  @Benchmark
  public int raw(Blackhole bh) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(text())) {
      return consume(rs, bh::consume);
    }
  }

  /** The read through {@link GuardedDataSource#query}: decision, read-only transaction, result. */
  @Benchmark
  public List<SqlResult> guarded() {
    return db.query(SqlCall.of(AGENT, text()));
  }

  /** The JDBC the guarded path runs, by hand and without Airlock. */
  @Benchmark
  public int readOnlyTransaction(Blackhole bh) throws SQLException {
    return readOnlyTransaction(text(), bh::consume);
  }

  private int readOnlyTransaction(String text, Cells cells) throws SQLException {
    try (Connection c = pool.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      boolean readOnly = c.isReadOnly();
      c.setAutoCommit(false);
      c.setReadOnly(true); // readOnlyMode=transaction: BEGIN READ ONLY goes with the query
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(TIMEOUT_SECONDS);
        s.setMaxRows(MAX_ROWS + 1);
        try (ResultSet rs = s.executeQuery(text)) {
          return consume(rs, cells);
        }
      } finally {
        c.rollback();
        c.setReadOnly(readOnly);
        c.setAutoCommit(autoCommit);
      }
    }
  }

  /** The alternative: SET TRANSACTION READ ONLY and SET LOCAL statement_timeout, one each. */
  @Benchmark
  public int setTransactionStatements(Blackhole bh) throws SQLException {
    return setTransactionStatements(text(), bh::consume);
  }

  private int setTransactionStatements(String text, Cells cells) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION READ ONLY"); // BEGIN goes with it
        s.execute("SET LOCAL statement_timeout = '" + TIMEOUT_SECONDS + "s'");
        s.setMaxRows(MAX_ROWS + 1);
        try (ResultSet rs = s.executeQuery(text)) {
          return consume(rs, cells);
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
  }

  /** The alternative: pgjdbc readOnlyMode=always, the session toggled read-only and back. */
  @Benchmark
  public int readOnlyModeAlways(Blackhole bh) throws SQLException {
    return readOnlyModeAlways(text(), bh::consume);
  }

  private int readOnlyModeAlways(String text, Cells cells) throws SQLException {
    try (Connection c = alwaysPool.getConnection()) {
      c.setReadOnly(true); // SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(TIMEOUT_SECONDS);
        s.setMaxRows(MAX_ROWS + 1);
        try (ResultSet rs = s.executeQuery(text)) {
          return consume(rs, cells);
        }
      } finally {
        c.setReadOnly(false); // SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE
      }
    }
  }

  /**
   * A floor, not an option: one round trip, on a pool whose sessions are read-only for life
   * ({@code readOnly=true} with pgjdbc's {@code readOnlyMode=always}) and whose statement timeout
   * is the server's ({@code options=-c statement_timeout=30s}); autocommit, no rollback.
   */
  @Benchmark
  public int sessionReadOnly(Blackhole bh) throws SQLException {
    return sessionReadOnly(text(), bh::consume);
  }

  private int sessionReadOnly(String text, Cells cells) throws SQLException {
    try (Connection c = sessionPool.getConnection(); Statement s = c.createStatement()) {
      s.setMaxRows(MAX_ROWS + 1);
      try (ResultSet rs = s.executeQuery(text)) {
        return consume(rs, cells);
      }
    }
  }

  /**
   * The guarded path's JDBC with the rollback taken off the caller's path: the query runs in the
   * same read-only transaction, and the rollback, the restored state and the connection's return
   * to the pool happen on a background thread after the rows are read.
   */
  @Benchmark
  public int asyncRollback(Blackhole bh) throws SQLException {
    return asyncRollback(text(), bh::consume);
  }

  private int asyncRollback(String text, Cells cells) throws SQLException {
    Connection c = pool.getConnection();
    int rows;
    boolean autoCommit;
    boolean readOnly;
    try {
      autoCommit = c.getAutoCommit();
      readOnly = c.isReadOnly();
      c.setAutoCommit(false);
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        s.setQueryTimeout(TIMEOUT_SECONDS);
        s.setMaxRows(MAX_ROWS + 1);
        try (ResultSet rs = s.executeQuery(text)) {
          rows = consume(rs, cells);
        }
      }
    } catch (SQLException | RuntimeException e) {
      try (c) {
        c.rollback();
      }
      throw e;
    }
    cleaner.execute(() -> {
      try (c) {
        c.rollback();
        c.setReadOnly(readOnly);
        c.setAutoCommit(autoCommit);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    return rows;
  }

  /** The Airlock decision of the same call and its audit event, without any database. */
  @Benchmark
  public Decision airlockDecision() {
    return airlock.evaluate(call(text()));
  }

  /** Where the cells of a result go: a Blackhole in the benchmarks, a check in setUp. */
  @FunctionalInterface
  interface Cells {
    void accept(String value);
  }

  private static Cells expect(String path, String value) {
    return cell -> check(value.equals(cell), path + " ran with transaction_read_only and"
        + " statement_timeout '" + cell + "', not '" + value + "'");
  }

  private static int consume(ResultSet rs, Cells cells) throws SQLException {
    int columns = rs.getMetaData().getColumnCount();
    int rows = 0;
    while (rs.next()) {
      rows++;
      for (int i = 1; i <= columns; i++) {
        cells.accept(rs.getString(i));
      }
    }
    return rows;
  }

  private static List<List<String>> rows(DataSource data, String sql) throws SQLException {
    try (Connection c = data.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private DataSource admin(String database) {
    org.postgresql.ds.PGSimpleDataSource data = new org.postgresql.ds.PGSimpleDataSource();
    data.setUrl(server.getJdbcUrl("postgres", database));
    return data;
  }

  private static void run(DataSource data, String... statements) {
    try (Connection c = data.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static String single(DataSource data, String sql) throws SQLException {
    return rows(data, sql).get(0).get(0);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("JdbcReadBenchmark setUp: " + message);
    }
  }
}
