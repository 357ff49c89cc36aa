package dev.airlock.jdbc;

import dev.airlock.Airlock;
import dev.airlock.Environment;
import dev.airlock.Execution;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import dev.airlock.RowCounter;
import dev.airlock.RowEstimate;
import dev.airlock.Tier;
import dev.airlock.ToolCall;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.sql.SqlAnalysis;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import dev.airlock.sql.StatementInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database as the last wall: runs an agent's SQL against the {@link DataSource}s of one
 * {@link Environment}, each statement through the {@link Airlock} decision first.
 *
 * <ul>
 *   <li><b>Reads</b> run on the read data source (meant for read-only credentials, which are
 *       checked), or on a replica of the environment, always inside a real read-only transaction
 *       that is rolled back, with a statement timeout (30 s by default) and at most {@code maxRows}
 *       rows fetched. A statement the database refuses as a write there is a classifier error:
 *       it is refused ({@code READ_ONLY_VIOLATION}), recorded, and logged at ERROR.
 *   <li><b>Writes</b> first have their rows estimated inside a read-only transaction (the plan
 *       estimate and, for a single-table UPDATE or DELETE, an exact count), so that the {@link
 *       dev.airlock.policy.RowLimit} policy and approvers see them; an allowed write runs on the
 *       write data source in a transaction that is rolled back when it changes more rows than its
 *       ceiling ({@code ROW_LIMIT_EXCEEDED}).
 *   <li>Agent SQL reaches JDBC one statement at a time; a script of reads runs statement by
 *       statement, a write must come alone ({@code MULTIPLE_STATEMENTS}), and transaction control
 *       never runs, whatever the policies say ({@code TRANSACTION_CONTROL}).
 * </ul>
 *
 * <pre>{@code
 * Airlock airlock = Airlock.builder()
 *     .environment(Environment.production("orders-db"))
 *     .environment(Environment.replica("orders-replica", "orders-db"))
 *     .sqlTool("sql", "sql", "orders-db")
 *     .auditLog(Path.of("airlock-audit.jsonl"))
 *     .build();
 * GuardedDataSource db = GuardedDataSource.builder(airlock, "orders-db")
 *     .reads(readOnlyPool)           // a SELECT-only user
 *     .writes(writerPool)            // used only for allowed writes
 *     .replica("orders-replica", replicaPool)
 *     .requireReadOnlyCredentials(true)
 *     .build();
 * List<SqlResult> rows = db.query(SqlCall.of("report-bot", "SELECT count(*) FROM orders"));
 * }</pre>
 *
 * <p>The calls it makes are calls of a SQL tool that must be registered on the Airlock ({@link
 * Airlock.Builder#sqlTool}), named {@code "sql"} with its SQL in the argument {@code "sql"} unless
 * {@link Builder#tool} says otherwise; bind parameters travel in the argument {@code
 * "parameters"}, so they are analysed and hashed with the text.
 *
 * <p>On PostgreSQL, a read costs two round trips: pgjdbc sends {@code BEGIN READ ONLY} with the
 * query when the connection is read-only with autocommit off (its default {@code
 * readOnlyMode=transaction}), then the rollback. If the driver does not start read-only
 * transactions that way, Airlock notices on first use and sends {@code SET TRANSACTION READ ONLY}
 * itself. On MySQL/MariaDB it sends {@code START TRANSACTION READ ONLY}, which does not stop DDL or
 * GRANT: there a SELECT-only user carries the weight. H2 has no read-only transaction: the read
 * data source must open the database with {@code ACCESS_MODE_DATA=r} or as a SELECT-only user.
 *
 * <p>Thread-safe; the data sources are the application's and are not closed here.
 */
public final class GuardedDataSource {
  private static final Logger log = LoggerFactory.getLogger(GuardedDataSource.class);
  private static final String POLICY = "jdbc";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final int DEFAULT_MAX_ROWS = 200;
  private static final int DEFAULT_MAX_CELL_CHARS = 500;
  private static final Set<String> HIDDEN_ROWS_KINDS =
      Set.of("CALL", "EXECUTE", "EXEC", "REFRESH", "DO", "LOAD", "COPY", "HANDLER");
  /** Statements whose update count is every row they change, when nothing is nested in them. */
  private static final Set<String> DML_KINDS =
      Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT");
  /** Statements whose RETURNING rows are the rows they changed. */
  private static final Set<String> RETURNING_KINDS = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");
  private static final Set<String> TRANSACTION_KINDS = Set.of("BEGIN", "START", "COMMIT", "END",
      "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "XA", "UNLOCK");
  private static final Pattern TRANSACTION_SETTING = Pattern.compile(
      "(?i).*\\b(TRANSACTION|AUTOCOMMIT|CHARACTERISTICS|COMPLETION_TYPE|READ_ONLY"
          + "|TRANSACTION_READ_ONLY|DEFAULT_TRANSACTION_READ_ONLY|TX_READ_ONLY)\\b.*",
      Pattern.DOTALL);

  private final Airlock airlock;
  private final Environment environment;
  private final SqlAnalyzer analyzer;
  private final String tool;
  private final String sqlArgument;
  private final Target reads;
  private final Target replica;
  private final DataSource writes;
  private final Target writeTarget;
  private final int timeoutSeconds;
  private final int maxRows;
  private final int maxCellChars;
  private final Redactor redactor;
  private final boolean requireReadOnlyCredentials;

  private GuardedDataSource(Builder b, Environment environment, Environment replicaEnvironment) {
    this.airlock = b.airlock;
    this.environment = environment;
    this.analyzer = b.airlock.sqlAnalyzer(environment.dialect());
    this.tool = b.tool;
    this.sqlArgument = b.sqlArgument;
    this.reads = new Target(environment, b.reads);
    this.replica = replicaEnvironment == null ? null : new Target(replicaEnvironment, b.replicaData);
    this.writes = b.writes;
    this.writeTarget = b.writes == null ? null : new Target(environment, b.writes);
    this.timeoutSeconds = (int) Math.max(1, (b.timeout.toMillis() + 999) / 1000);
    this.maxRows = b.maxRows;
    this.maxCellChars = b.maxCellChars;
    this.redactor = b.redactor;
    this.requireReadOnlyCredentials = b.requireReadOnlyCredentials;
  }

  /**
   * Starts guarding the data sources of one declared environment.
   *
   * @param airlock the Airlock that decides every call
   * @param environment the name of the environment, declared on {@code airlock}
   * @return a new builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(Airlock airlock, String environment) {
    return new Builder(Objects.requireNonNull(airlock, "airlock"),
        Objects.requireNonNull(environment, "environment"));
  }

  /** The environment whose data sources this guards. */
  public Environment environment() {
    return environment;
  }

  /**
   * Runs SQL that must only read: anything the analysis does not show to be a read is refused
   * ({@code NOT_A_READ}) without asking anyone. A script of several reads runs statement by
   * statement in one read-only transaction.
   *
   * @param call the SQL and who asks
   * @return one result per statement
   * @throws NullPointerException if {@code call} is null
   * @throws ToolCallRefusedException if Airlock or the database refused it; its {@link
   *     ToolCallRefusedException#modelMessage()} is the text for the model
   * @throws dev.airlock.ToolExecutionException if the database failed (its cause, a {@link
   *     SQLException})
   */
  public List<SqlResult> query(SqlCall call) {
    return run(Objects.requireNonNull(call, "call"), true);
  }

  /**
   * Runs SQL as Airlock allows it: reads on the read-only path, a single write on the write data
   * source within its row ceiling. A write that needs a person's approval waits for the
   * Airlock's approver.
   *
   * @param call the SQL and who asks
   * @return one result per statement
   * @throws NullPointerException if {@code call} is null
   * @throws ToolCallRefusedException if Airlock or the database refused it, or a write changed
   *     more rows than allowed (and was rolled back)
   * @throws dev.airlock.ToolExecutionException if the database failed (its cause, a {@link
   *     SQLException})
   */
  public List<SqlResult> execute(SqlCall call) {
    return run(Objects.requireNonNull(call, "call"), false);
  }

  /**
   * Inspects what the read credentials may do beyond reading (and those of the replica, if one
   * is configured), once: later calls return the first reports. Production and replica
   * environments are inspected by themselves on first use; this runs the check for any tier.
   *
   * @return one report per read data source
   */
  public List<CredentialReport> credentials() {
    List<CredentialReport> reports = new ArrayList<>();
    reports.add(reads.report());
    if (replica != null) {
      reports.add(replica.report());
    }
    return reports;
  }

  /** Runs a recorded call of this data source's tool again, for {@link Airlock#resume}. */
  private List<SqlResult> resumed(ToolCall call) {
    Object parameters = call.arguments().get("parameters");
    List<Object> bound = parameters instanceof List<?> list ? new ArrayList<>(list) : List.of();
    return execute(new SqlCall(call.agent(), String.valueOf(call.arguments().get(sqlArgument)),
        bound, call.sessionId(), call.reason()));
  }

  private List<SqlResult> run(SqlCall call, boolean readOnly) {
    ToolCall toolCall = toolCall(call);
    SqlAnalysis analysis = analyzer.analyze(call.sql(), call.parameters());
    List<String> statements = analyzer.statements(call.sql());
    Reason refusal = refusal(call, analysis, statements, readOnly);
    if (refusal != null) {
      throw new ToolCallRefusedException(toolCall.tool(),
          airlock.refuse(toolCall, analysis.effect(), refusal));
    }
    if (analysis.isRead()) {
      Target target = replica != null ? replica : reads;
      Reason credentials = credentialRefusal(target);
      if (credentials != null) {
        throw new ToolCallRefusedException(toolCall.tool(),
            airlock.refuse(toolCall, analysis.effect(), credentials));
      }
      return airlock.execute(toolCall, null,
          execution -> read(execution, target, statements, call.parameters()));
    }
    String statement = statements.get(0);
    StatementInfo info = analysis.statements().get(0);
    RowCounter counter;
    if (RowEstimates.appliesTo(environment.dialect(), info)) {
      counter = a -> estimate(info, statement, call.parameters());
    } else if (HIDDEN_ROWS_KINDS.contains(info.kind())) {
      // A procedure or a refresh changes rows no estimate can see: judged as unknown rows.
      counter = a -> RowEstimate.unavailable(info.kind() + " changes rows that cannot be"
          + " estimated beforehand");
    } else {
      counter = null; // structure (CREATE, ALTER, DROP…) or settings: no rows to count
    }
    return airlock.execute(toolCall, counter,
        execution -> List.of(write(execution, info, statement, call.parameters())));
  }

  private ToolCall toolCall(SqlCall call) {
    ToolCall.Builder builder = ToolCall.builder(tool)
        .argument(sqlArgument, call.sql())
        .environment(environment.name())
        .agent(call.agent())
        .session(call.session())
        .reason(call.reason());
    if (!call.parameters().isEmpty()) {
      builder.argument("parameters", call.parameters());
    }
    return builder.build();
  }

  /** What this layer refuses before anyone votes, whatever the policies would say. */
  private Reason refusal(SqlCall call, SqlAnalysis analysis, List<String> statements,
      boolean readOnly) {
    List<StatementInfo> infos = analysis.statements();
    for (int i = 0; i < infos.size() && i < statements.size(); i++) {
      if (isTransactionControl(infos.get(i).kind(), statements.get(i))) {
        return new Reason(ReasonCode.TRANSACTION_CONTROL, POLICY, "statement " + (i + 1)
            + " is transaction control (" + infos.get(i).kind() + "), which Airlock never runs:"
            + " each call runs in a transaction of its own; send the statements without it");
      }
    }
    if (analysis.reasons().get(0).code().equals(ReasonCode.PARAMETER_MISMATCH)) {
      return analysis.reasons().get(0);
    }
    if (readOnly && !analysis.isRead()) {
      return new Reason(ReasonCode.NOT_A_READ, POLICY, "this tool only reads, and the statement"
          + " is " + analysis.effect() + " (" + analysis.reasons().get(0).message() + ")");
    }
    if (!analysis.isRead() && statements.size() <= 1 && infos.size() != 1) {
      return analysis.reasons().get(0); // nothing to run one statement of; the analysis says why
    }
    if (statements.size() > 1 && !analysis.isRead()) {
      return new Reason(ReasonCode.MULTIPLE_STATEMENTS, POLICY, "the text holds "
          + statements.size() + " statements and is " + analysis.effect() + "; send a write as"
          + " one statement per call, so that each is judged and counted on its own");
    }
    if (!call.parameters().isEmpty() && statements.size() > 1) {
      return new Reason(ReasonCode.PARAMETER_MISMATCH, POLICY,
          "bind parameters go with a single statement, but the text holds " + statements.size());
    }
    if (statements.isEmpty() && analysis.isRead()) {
      return new Reason(ReasonCode.SQL_EMPTY, POLICY, "the text holds no statement");
    }
    return null;
  }

  private static boolean isTransactionControl(String kind, String statement) {
    if (TRANSACTION_KINDS.contains(kind)) {
      return true;
    }
    if (kind.equals("SET") || kind.equals("PREPARE") || kind.equals("RESET")) {
      return TRANSACTION_SETTING.matcher(statement).matches();
    }
    return false;
  }

  private Reason credentialRefusal(Target target) {
    Tier tier = target.environment.tier();
    if (tier != Tier.PRODUCTION && tier != Tier.REPLICA) {
      return null;
    }
    CredentialReport report = target.report();
    if (report.isReadOnly() || !requireReadOnlyCredentials) {
      return null;
    }
    if (report.error() != null) {
      return new Reason(ReasonCode.WRITABLE_CREDENTIALS, POLICY, "the read credentials of '"
          + target.environment.name() + "' could not be checked (" + report.error() + "), and"
          + " read-only credentials are required; the check runs again on the next call");
    }
    return new Reason(ReasonCode.WRITABLE_CREDENTIALS, POLICY, "the read credentials of '"
        + target.environment.name() + "' can do more than read (" + report.findings().get(0)
        + (report.findings().size() > 1 ? " and " + (report.findings().size() - 1) + " more" : "")
        + "), and read-only credentials are required; a person must fix the database user");
  }

  private List<SqlResult> read(Execution execution, Target target, List<String> statements,
      List<Object> parameters) throws SQLException {
    execution.record("ranOn", target.environment.name());
    List<SqlResult> results = new ArrayList<>();
    try (Connection c = target.data.getConnection()) {
      String mismatch = target.settingsMismatch(c);
      if (mismatch != null) {
        throw execution.refuse(ReasonCode.UNSUPPORTED_SERVER_SETTING, POLICY, mismatch);
      }
      Saved state = begin(c, target);
      try {
        for (String statement : statements) {
          results.add(readOne(c, target, statement, parameters));
        }
      } catch (SQLException e) {
        endAfter(c, state, e);
        if (Statements.isReadOnlyViolation(e, target.environment.dialect())) {
          throw violation(execution, target, e);
        }
        if (Statements.isTimeout(e)) {
          throw execution.refuse(ReasonCode.STATEMENT_TIMEOUT, POLICY, "the statement ran"
              + " longer than " + timeoutSeconds + " s and was cancelled; narrow it or add a"
              + " LIMIT");
        }
        throw e;
      } catch (RuntimeException e) {
        endAfter(c, state, e);
        throw e;
      }
      end(c, state);
    }
    long rows = 0;
    for (SqlResult result : results) {
      rows += result.rows().size();
    }
    execution.record("rowsReturned", rows);
    return results;
  }

  private SqlResult readOne(Connection c, Target target, String statement, List<Object> parameters)
      throws SQLException {
    try (Statement s = parameters.isEmpty() ? c.createStatement() : c.prepareStatement(statement)) {
      s.setQueryTimeout(timeoutSeconds);
      s.setMaxRows(maxRows + 1);
      if (!Statements.execute(s, statement, parameters)) {
        return new SqlResult(statement, List.of(), List.of(), false, null,
            target.environment.name());
      }
      try (ResultSet rs = s.getResultSet()) {
        Statements.Table table = Statements.read(rs, maxRows, maxCellChars, redactor, false);
        return new SqlResult(statement, table.columns(), table.rows(),
            table.rowCount() > maxRows, null, target.environment.name());
      }
    }
  }

  private ToolCallRefusedException violation(Execution execution, Target target, SQLException e) {
    String hash = sha256(execution.call().arguments().get(sqlArgument).toString());
    // The classifier called a write a read, and only the database stopped it: this must be loud.
    log.error("READ_ONLY_VIOLATION: the database refused a statement classified READ as a write"
        + " (decision {}, statement sha256 {}, environment {}, SQLSTATE {}); the read-only"
        + " transaction held, nothing was written", execution.decision().id(), hash,
        target.environment.name(), e.getSQLState());
    execution.record("statementSha256", hash);
    execution.record("sqlState", e.getSQLState());
    return execution.refuse(ReasonCode.READ_ONLY_VIOLATION, POLICY, "the database refused the"
        + " statement as a write on the read-only path of '" + target.environment.name()
        + "' (SQLSTATE " + e.getSQLState() + "); nothing was written. Do not retry this another"
        + " way");
  }

  /** The connection's state before Airlock made it read-only, to give it back unchanged. */
  private record Saved(boolean autoCommit, boolean readOnly) {}

  /**
   * Starts a read-only transaction; if that fails half-way, the connection is given back as it
   * was before the exception is thrown.
   */
  private Saved begin(Connection c, Target target) throws SQLException {
    Saved state = new Saved(c.getAutoCommit(), c.isReadOnly());
    try {
      startReadOnly(c, target);
    } catch (SQLException | RuntimeException e) {
      try {
        end(c, state);
      } catch (SQLException | RuntimeException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    return state;
  }

  private void startReadOnly(Connection c, Target target) throws SQLException {
    c.setAutoCommit(false);
    switch (target.environment.dialect()) {
      case POSTGRESQL -> {
        c.setReadOnly(true); // pgjdbc's readOnlyMode=transaction: BEGIN READ ONLY with the query
        if (!target.verified(c)) {
          try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
          }
        }
      }
      case MYSQL -> {
        try (Statement s = c.createStatement()) {
          s.execute("START TRANSACTION READ ONLY");
        }
      }
      case H2 -> target.verified(c); // H2 ignores read-only; the report says what walls it
    }
  }

  /** Rolls back and restores each setting, each step tried even when an earlier one failed. */
  private static void end(Connection c, Saved state) throws SQLException {
    SQLException failure = null;
    try {
      c.rollback();
    } catch (SQLException e) {
      failure = e;
    }
    try {
      if (c.isReadOnly() != state.readOnly) {
        c.setReadOnly(state.readOnly);
      }
    } catch (SQLException e) {
      failure = suppressed(failure, e);
    }
    try {
      c.setAutoCommit(state.autoCommit);
    } catch (SQLException e) {
      failure = suppressed(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Ends the transaction after {@code failure}, which a failing end never hides. */
  private static void endAfter(Connection c, Saved state, Exception failure) {
    try {
      end(c, state);
    } catch (SQLException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static SQLException suppressed(SQLException first, SQLException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * Estimates on the write data source when there is one (PostgreSQL checks the write's own
   * privileges even to EXPLAIN it), inside read-only transactions: nothing the predicate calls
   * can write before anyone approved it.
   */
  private RowEstimate estimate(StatementInfo info, String statement, List<Object> parameters)
      throws SQLException {
    Target target = writes != null ? writeTarget : reads;
    RowEstimates.ReadOnly readOnly = new RowEstimates.ReadOnly() {
      @Override
      public <T> T run(RowEstimates.Work<T> work) throws SQLException {
        try (Connection c = target.data.getConnection()) {
          String mismatch = target.settingsMismatch(c);
          if (mismatch != null) {
            throw new SQLException(mismatch);
          }
          Saved state = begin(c, target);
          try {
            return work.run(c);
          } finally {
            end(c, state);
          }
        }
      }
    };
    return RowEstimates.estimate(readOnly, analyzer, info, statement, parameters, timeoutSeconds);
  }

  private SqlResult write(Execution execution, StatementInfo info, String statement,
      List<Object> parameters) throws SQLException {
    if (writes == null) {
      throw execution.refuse(ReasonCode.NO_WRITE_PATH, POLICY, "the write was allowed, but '"
          + environment.name() + "' has no data source for writes; the application must"
          + " configure one");
    }
    execution.record("ranOn", environment.name());
    execution.rowEstimate().ifPresent(rows -> execution.record("rowEstimate", estimateFields(rows)));
    OptionalLong ceiling = execution.rowCeiling();
    try (Connection c = writes.getConnection()) {
      String mismatch = writeTarget.settingsMismatch(c);
      if (mismatch != null) {
        throw execution.refuse(ReasonCode.UNSUPPORTED_SERVER_SETTING, POLICY, mismatch);
      }
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      boolean done = false;
      try {
        SqlResult result = writeOne(c, info, statement, parameters);
        // A write nested in a WITH clause or a function: the update count is not all it changed.
        boolean nested = hasNestedWrite(info) || !DML_KINDS.contains(info.kind());
        Long changed = nested ? null : result.updateCount();
        execution.rowsChanged(changed);
        if (ceiling.isPresent() && (changed == null || changed > ceiling.getAsLong())) {
          c.rollback();
          done = true;
          execution.record("rolledBack", true);
          throw execution.refuse(ReasonCode.ROW_LIMIT_EXCEEDED, POLICY, "the statement "
              + (changed == null ? "changed rows its update count does not show (a nested write,"
                  + " a function or a procedure), so the ceiling of " + ceiling.getAsLong()
                  + " could not be checked"
                  : "changed " + changed + " rows, more than the " + ceiling.getAsLong()
                      + " allowed")
              + "; it was rolled back");
        }
        c.commit();
        done = true;
        return result;
      } finally {
        try {
          if (!done) {
            c.rollback();
          }
        } finally {
          c.setAutoCommit(autoCommit);
        }
      }
    }
  }

  private SqlResult writeOne(Connection c, StatementInfo info, String statement,
      List<Object> parameters) throws SQLException {
    try (Statement s = parameters.isEmpty() ? c.createStatement() : c.prepareStatement(statement)) {
      s.setQueryTimeout(timeoutSeconds);
      if (!Statements.execute(s, statement, parameters)) {
        long count = Statements.updateCount(s);
        // -1: the driver did not say; that is unknown, never zero
        return new SqlResult(statement, List.of(), List.of(), false, count < 0 ? null : count,
            environment.name());
      }
      try (ResultSet rs = s.getResultSet()) {
        // RETURNING: every row is read, so the rows the write changed are all counted.
        Statements.Table table = Statements.read(rs, maxRows, maxCellChars, redactor, true);
        boolean dml = RETURNING_KINDS.contains(info.kind());
        return new SqlResult(statement, table.columns(), table.rows(),
            table.rowCount() > maxRows, dml ? table.rowCount() : null, environment.name());
      }
    }
  }

  private static boolean hasNestedWrite(StatementInfo info) {
    for (Reason reason : info.reasons()) {
      if (reason.code().equals(ReasonCode.NESTED_WRITE)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> estimateFields(RowEstimate rows) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("planned", rows.plannedRows());
    fields.put("exact", rows.exactRows());
    fields.put("notes", rows.notes());
    return fields;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A read data source and what is known about it once it has been used. */
  private final class Target {
    private final Environment environment;
    private final DataSource data;
    // Found out once per data source; two threads that race compute the same answer.
    private volatile Boolean readOnlyTransactions;
    private volatile String settingsProblem;
    private volatile boolean settingsChecked;
    private volatile CredentialReport credentials;

    Target(Environment environment, DataSource data) {
      this.environment = environment;
      this.data = data;
    }

    /**
     * Whether the driver starts a read-only transaction when the connection is read-only, found
     * out once; after that the answer is cached.
     */
    boolean verified(Connection c) throws SQLException {
      Boolean known = readOnlyTransactions;
      if (known != null) {
        return known;
      }
      boolean readOnly = true;
      if (environment.dialect() == SqlDialect.POSTGRESQL) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT current_setting('transaction_read_only')")) {
          readOnly = rs.next() && "on".equals(rs.getString(1));
        }
        if (!readOnly) {
          log.warn("The read data source of '{}' does not start read-only transactions by itself"
              + " (pgjdbc readOnlyMode=ignore?); Airlock sends SET TRANSACTION READ ONLY, one"
              + " round trip more per read", environment.name());
        }
      }
      readOnlyTransactions = readOnly;
      return readOnly;
    }

    /** The first successful report; a failed check (no connection…) is tried again next time. */
    /**
     * Why this database reads string literals differently from the analysis (PostgreSQL with
     * standard_conforming_strings off, MySQL with NO_BACKSLASH_ESCAPES or ANSI_QUOTES), found
     * once per data source; null when it reads them as the analysis does. A driver that splits
     * statements by the server's reading could otherwise run a text the analysis saw as one.
     */
    String settingsMismatch(Connection c) throws SQLException {
      if (settingsChecked) {
        return settingsProblem;
      }
      String problem = null;
      String query = switch (environment.dialect()) {
        case POSTGRESQL -> "SELECT current_setting('standard_conforming_strings')";
        case MYSQL -> "SELECT @@SESSION.sql_mode";
        case H2 -> null;
      };
      if (query != null) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
          String value = rs.next() ? String.valueOf(rs.getString(1)) : "";
          String upper = value.toUpperCase(Locale.ROOT);
          if (environment.dialect() == SqlDialect.POSTGRESQL && !upper.equals("ON")) {
            problem = "'" + environment.name() + "' runs with standard_conforming_strings = "
                + value + ", and Airlock reads SQL as PostgreSQL does with it on; turn it on";
          } else if (environment.dialect() == SqlDialect.MYSQL
              && (upper.contains("NO_BACKSLASH_ESCAPES") || upper.contains("ANSI_QUOTES"))) {
            problem = "'" + environment.name() + "' runs with sql_mode " + value + ", and Airlock"
                + " reads SQL without NO_BACKSLASH_ESCAPES and ANSI_QUOTES; remove them";
          }
        } finally {
          if (!c.getAutoCommit()) {
            c.rollback();
          }
        }
      }
      settingsProblem = problem;
      settingsChecked = true;
      return problem;
    }

    CredentialReport report() {
      CredentialReport known = credentials;
      if (known != null) {
        return known;
      }
      CredentialReport report = inspect();
      if (report.error() == null) {
        credentials = report;
      }
      return report;
    }

    private CredentialReport inspect() {
      CredentialReport report;
      try (Connection c = data.getConnection()) {
        report = Credentials.inspect(environment.name(), environment.dialect(), c);
        if (!c.getAutoCommit()) {
          c.rollback();
        }
      } catch (SQLException | RuntimeException e) {
        report = new CredentialReport(environment.name(), environment.dialect(), null, List.of(),
            List.of(), "no connection: " + e.getMessage());
      }
      if (!report.isReadOnly()) {
        log.warn("{}", report.describe());
      }
      try {
        airlock.record("credentials", report.toFields());
      } catch (RuntimeException e) {
        log.warn("The credentials report of '{}' could not be written to the audit log ({})",
            environment.name(), e.getClass().getName());
      }
      return report;
    }
  }

  /**
   * Builds a {@link GuardedDataSource}. Not thread-safe.
   */
  public static final class Builder {
    private final Airlock airlock;
    private final String environment;
    private DataSource reads;
    private DataSource writes;
    private String replicaName;
    private DataSource replicaData;
    private String tool = "sql";
    private String sqlArgument = "sql";
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxRows = DEFAULT_MAX_ROWS;
    private int maxCellChars = DEFAULT_MAX_CELL_CHARS;
    private Redactor redactor = Redactor.none();
    private boolean requireReadOnlyCredentials;

    private Builder(Airlock airlock, String environment) {
      this.airlock = airlock;
      this.environment = environment;
    }

    /**
     * Sets the data source reads run on: connect it with read-only credentials (a SELECT-only
     * user), which Airlock checks on production and replicas. Required.
     *
     * @param reads the read data source
     * @return this builder
     * @throws NullPointerException if {@code reads} is null
     */
    public Builder reads(DataSource reads) {
      this.reads = Objects.requireNonNull(reads, "reads");
      return this;
    }

    /**
     * Sets the data source used only for writes Airlock allowed (approved, or allowed on the
     * environment's tier). Without one, allowed writes are refused ({@code NO_WRITE_PATH}).
     *
     * @param writes the write data source
     * @return this builder
     * @throws NullPointerException if {@code writes} is null
     */
    public Builder writes(DataSource writes) {
      this.writes = Objects.requireNonNull(writes, "writes");
      return this;
    }

    /**
     * Routes reads to a replica: an environment declared on the Airlock with {@link
     * Environment#replica(String, String)} as a replica of this one. Policies still judge the
     * call's own environment; the audit records where it ran.
     *
     * @param replica the replica environment's name
     * @param data its data source
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder replica(String replica, DataSource data) {
      this.replicaName = Objects.requireNonNull(replica, "replica");
      this.replicaData = Objects.requireNonNull(data, "data");
      return this;
    }

    /**
     * Sets the SQL tool the calls are made as; {@code ("sql", "sql")} by default.
     *
     * @param name the tool's name, registered on the Airlock with {@code sqlTool}
     * @param sqlArgument the argument that carries the SQL
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder tool(String name, String sqlArgument) {
      this.tool = Objects.requireNonNull(name, "name");
      this.sqlArgument = Objects.requireNonNull(sqlArgument, "sqlArgument");
      return this;
    }

    /**
     * Sets the statement timeout of reads, estimates and writes; 30 seconds by default, rounded
     * up to whole seconds (JDBC's unit).
     *
     * @param timeout from 1 second to 1 hour
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if it is outside that range
     */
    public Builder statementTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1))
          > 0) {
        throw new IllegalArgumentException(
            "timeout must be from 1 second to 1 hour, but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the most rows a result hands back; 200 by default. One more is fetched to tell that a
     * result was truncated.
     *
     * @param maxRows from 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if it is outside that range
     */
    public Builder maxRows(int maxRows) {
      if (maxRows < 1 || maxRows > 100_000) {
        throw new IllegalArgumentException("maxRows must be from 1 to 100000, but was " + maxRows);
      }
      this.maxRows = maxRows;
      return this;
    }

    /**
     * Sets the most characters of one cell handed back; 500 by default.
     *
     * @param maxCellChars from 8 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if it is outside that range
     */
    public Builder maxCellChars(int maxCellChars) {
      if (maxCellChars < 8 || maxCellChars > 1_000_000) {
        throw new IllegalArgumentException(
            "maxCellChars must be from 8 to 1000000, but was " + maxCellChars);
      }
      this.maxCellChars = maxCellChars;
      return this;
    }

    /**
     * Sets the redaction of result cells, e.g. {@link Redactor#maskColumns(String...)}; none by
     * default.
     *
     * @param redactor the redactor
     * @return this builder
     * @throws NullPointerException if {@code redactor} is null
     */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Refuses every read on a production or replica environment while its read credentials can
     * do more than read ({@code WRITABLE_CREDENTIALS}); off by default, when the finding is a
     * WARN and an audit event only.
     *
     * @param require whether read-only credentials are required
     * @return this builder
     */
    public Builder requireReadOnlyCredentials(boolean require) {
      this.requireReadOnlyCredentials = require;
      return this;
    }

    /**
     * Builds the guarded data source.
     *
     * @return the guarded data source
     * @throws IllegalStateException if no read data source was set, the environment or the
     *     replica is not declared on the Airlock, the replica does not copy this environment, or
     *     the SQL tool is not registered for this environment
     */
    public GuardedDataSource build() {
      if (reads == null) {
        throw new IllegalStateException("no read data source: call reads(dataSource), ideally"
            + " with a SELECT-only database user");
      }
      Environment env = airlock.environment(environment).orElseThrow(() ->
          new IllegalStateException("environment '" + environment + "' is not declared on the"
              + " Airlock; declare it with Airlock.builder().environment(…)"));
      Environment replica = null;
      if (replicaName != null) {
        replica = airlock.environment(replicaName).orElseThrow(() -> new IllegalStateException(
            "replica '" + replicaName + "' is not declared on the Airlock; declare it with"
                + " environment(Environment.replica(\"" + replicaName + "\", \"" + environment
                + "\"))"));
        if (replica.tier() != Tier.REPLICA || !environment.equals(replica.mirrors())) {
          throw new IllegalStateException("environment '" + replicaName + "' is not declared as"
              + " a replica of '" + environment + "'; declare it with Environment.replica(\""
              + replicaName + "\", \"" + environment + "\")");
        }
      }
      if (!airlock.isSqlTool(tool, sqlArgument, environment)) {
        throw new IllegalStateException("the Airlock has no SQL tool '" + tool + "' taking its"
            + " SQL in '" + sqlArgument + "' on '" + environment + "'; register it with"
            + " sqlTool(\"" + tool + "\", \"" + sqlArgument + "\", \"" + environment + "\")");
      }
      GuardedDataSource guarded = new GuardedDataSource(this, env, replica);
      // Approved calls can be run again from their recorded form (Airlock.resume).
      airlock.registerHandler(tool, environment, guarded::resumed);
      return guarded;
    }
  }

  @Override
  public String toString() {
    return "GuardedDataSource[" + environment.name() + (replica != null ? ", reads on "
        + replica.environment.name() : "") + ", tool " + tool + "]";
  }
}
