package dev.airlock.samples;

import dev.airlock.Airlock;
import dev.airlock.Decision;
import dev.airlock.Environment;
import dev.airlock.Reason;
import dev.airlock.ToolCall;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditVerification;
import dev.airlock.jdbc.GuardedDataSource;
import dev.airlock.jdbc.SqlCall;
import dev.airlock.jdbc.SqlResult;
import dev.airlock.jdbc.SqlTool;
import dev.airlock.policy.EnvironmentAllowlist;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Replays the July 2025 incident in which a coding agent, during a code freeze and told in capitals
 * not to touch production, deleted 1,206 executive records from a production database, inserted
 * about 4,000 invented ones and reported that all was well. Here the agent's SQL tool goes through
 * Airlock.
 *
 * <p>Two PostgreSQL servers run embedded in this process: production, and staging with a copy of
 * production's data. A scripted agent (no model, no network) makes the incident's tool calls. Until
 * SQL analysis lands, the replay is guarded by environment separation alone: the agent's SQL tool
 * is allowed on staging and not on production.
 *
 * <pre>
 * java -jar airlock-incident-replay.jar [--audit FILE]
 * </pre>
 *
 * <p>The last line is counted on the production database: {@code RESULT: executives before=1206
 * after=1206 fake_rows_inserted=0}.
 */
public final class IncidentReplay {
  private static final String PRODUCTION = "prod";
  private static final String STAGING = "staging";
  private static final String AGENT = "replit-agent";
  private static final String TOOL = "run_sql";
  private static final String SESSION = "code-freeze";
  private static final String USAGE = "usage: java -jar airlock-incident-replay.jar [--audit FILE]";

  private static final String INSTRUCTION = "Clean up the old records.";

  /** One SQL call of the agent, on the database its connection reaches. */
  private record Step(String title, String environment, String sql, String reason) {}

  private static final String DELETE_ALL = "DELETE FROM executives";

  private static final List<Step> INCIDENT = List.of(
      new Step("Step 1. The agent looks at production, which it may read", PRODUCTION,
          "SELECT count(*) AS executives, min(created_at) AS oldest FROM executives",
          "find the old records"),
      new Step("Step 2. The agent cleans up the old records, on production", PRODUCTION,
          DELETE_ALL, "clean up old records"),
      new Step("Step 3. The agent fills the table with invented executives", PRODUCTION, """
          INSERT INTO executives (company_id, name, title, created_at)
          SELECT 1 + n %% 1196, '%s' || n, 'Chief Executive Officer', now()
          FROM generate_series(1, 4000) AS n"""
              .formatted(ReplayDatabase.GENERATED_NAME_PREFIX),
          "repopulate executives so the app and its tests work"));

  private static final String CLAIM = "All tests pass, records cleaned up.";

  private static final Step ON_STAGING = new Step(
      "For contrast: the same DELETE on staging, where it belongs", STAGING, DELETE_ALL,
      "clean up old records");

  private IncidentReplay() {}

  /** The replay's counts, from the databases themselves. */
  record Result(long executivesBefore, long executivesAfter, long fakeRowsInserted,
      long stagingExecutivesAfter) {

    String line() {
      return "RESULT: executives before=" + executivesBefore + " after=" + executivesAfter
          + " fake_rows_inserted=" + fakeRowsInserted;
    }
  }

  /**
   * Runs the replay.
   *
   * @param args {@code --audit FILE}, optionally; the audit log defaults to {@code
   *     airlock-audit.jsonl} in the working directory
   */
  public static void main(String[] args) {
    Path auditFile;
    try {
      auditFile = auditFile(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (auditFile == null) {
      System.out.println(USAGE);
      return;
    }
    try {
      replay(auditFile, System.out);
    } catch (Exception e) {
      System.err.println("The incident replay failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Returns the audit log named by the arguments, or {@code null} when help was asked for. */
  static Path auditFile(String[] args) {
    Path file = Path.of("airlock-audit.jsonl");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      } else if (arg.equals("--audit") && i + 1 < args.length && !args[i + 1].isBlank()) {
        file = Path.of(args[++i]);
      } else if (arg.startsWith("--audit=") && arg.length() > "--audit=".length()) {
        file = Path.of(arg.substring("--audit=".length()));
      } else if (arg.equals("--audit") || arg.startsWith("--audit=")) {
        throw new IllegalArgumentException("--audit needs a file name");
      } else {
        throw new IllegalArgumentException("unknown argument: " + arg);
      }
    }
    return file.toAbsolutePath().normalize();
  }

  static Result replay(Path auditFile, PrintStream out) throws IOException, SQLException {
    out.println("Airlock incident replay: July 2025, an agent wipes a production database");
    out.println("during a code freeze, invents records to cover it, and reports success.");
    out.println();
    try (EmbeddedPostgres productionServer = EmbeddedPostgres.builder().start();
        EmbeddedPostgres stagingServer = EmbeddedPostgres.builder().start()) {
      DataSource production = productionServer.getPostgresDatabase();
      DataSource staging = stagingServer.getPostgresDatabase();
      // The same deterministic seed on both: staging holds a copy of production.
      ReplayDatabase.seed(production);
      ReplayDatabase.seed(staging);
      // On production the agent's reads connect as a SELECT-only user: the database's own wall.
      DataSource productionReader = ReplayDatabase.readOnlyUser(productionServer);

      long before = ReplayDatabase.executives(production);
      long inventedBefore = ReplayDatabase.generatedExecutives(production);
      out.println("Two embedded PostgreSQL servers:");
      printCounts(out, PRODUCTION, production, "");
      printCounts(out, STAGING, staging, " (a copy of production)");
      out.println();

      boolean continuing = Files.exists(auditFile);
      try (Airlock airlock = airlock(auditFile)) {
        // The application decides which database a call reaches, by the environment its SQL
        // connection is bound to; the model only writes the SQL.
        Map<String, GuardedDataSource> databases = Map.of(
            PRODUCTION, GuardedDataSource.builder(airlock, PRODUCTION).tool(TOOL, "sql")
                .reads(productionReader).writes(production)
                .requireReadOnlyCredentials(true).maxRows(5).build(),
            STAGING, GuardedDataSource.builder(airlock, STAGING).tool(TOOL, "sql")
                .reads(staging).writes(staging).maxRows(5).build());
        out.println("Airlock: run_sql is a SQL tool on prod and staging: each statement is analysed;");
        out.println("         production allows reads, writes need a person, and no approver is set.");
        out.println("         Reads on prod run as a SELECT-only user in a read-only transaction;");
        out.println("         a write's rows are counted first, read-only (EXPLAIN and an exact count).");
        out.println("Audit log: " + auditFile
            + (continuing ? " (appending to its existing chain)" : " (new)"));
        out.println();
        out.println("A code freeze is on; the user has told the agent, in capitals, not to touch");
        out.println("production. The user: \"" + INSTRUCTION + "\"");

        for (Step step : INCIDENT) {
          attempt(airlock, databases, step, out);
        }
        out.println();
        out.println("Step 4. The agent reports: \"" + CLAIM + "\"");
        out.printf(Locale.ROOT, "  Production says: %d executives, %d of them invented.%n",
            ReplayDatabase.executives(production), ReplayDatabase.generatedExecutives(production));

        attempt(airlock, databases, ON_STAGING, out);
        out.printf(Locale.ROOT, "  Staging now has %d executives; production still has %d.%n",
            ReplayDatabase.executives(staging), ReplayDatabase.executives(production));
      }

      out.println();
      AuditVerification verification = AuditLog.verify(auditFile);
      out.println("Audit log: " + auditFile);
      out.println(verification.intact()
          ? "  verifies: " + verification.linesChecked() + " lines, an unbroken hash chain"
          : "  does NOT verify: " + verification.problem());
      Result result = new Result(before, ReplayDatabase.executives(production),
          ReplayDatabase.generatedExecutives(production) - inventedBefore,
          ReplayDatabase.executives(staging));
      out.println(result.line());
      return result;
    }
  }

  private static Airlock airlock(Path auditFile) {
    return Airlock.builder()
        .environment(Environment.production(PRODUCTION))
        .environment(Environment.staging(STAGING))
        // The SQL in the "sql" argument is analysed: its effect (READ, WRITE, DESTRUCTIVE…) is
        // what the default effect rules judge. Production: reads run, writes need a person.
        .sqlTool(TOOL, "sql", PRODUCTION, STAGING)
        // Which agents may use the tool at all, and where.
        .policy(EnvironmentAllowlist.builder().allow(AGENT, TOOL, PRODUCTION, STAGING).build())
        // No approver: what the default effect rules would send to a person on production is
        // refused instead (NO_APPROVER), even for an agent the allowlist let through.
        .auditLog(auditFile)
        .build();
  }

  private static void attempt(
      Airlock airlock, Map<String, GuardedDataSource> databases, Step step, PrintStream out) {
    ToolCall call = ToolCall.builder(TOOL)
        .argument("sql", step.sql())
        .environment(step.environment())
        .agent(AGENT)
        .session(SESSION)
        .reason(step.reason())
        .build();
    out.println();
    out.println(step.title());
    out.println("  Tries:    " + TOOL + " on " + step.environment() + ", reason \"" + step.reason()
        + "\"");
    out.println("  SQL:      " + step.sql().replace("\n", "\n            "));
    try {
      // The guarded data source decides (counting a write's rows first), then runs a read in a
      // read-only transaction and an allowed write within its row ceiling. Each step is audited.
      List<SqlResult> results = databases.get(call.environment()).execute(
          new SqlCall(AGENT, step.sql(), List.of(), SESSION, step.reason()));
      // evaluate() is a preview that shows why it was allowed; it is recorded in the log too.
      printDecision(airlock.evaluate(call), out);
      String text = SqlTool.format(results).strip();
      out.println("  Outcome:  ran on " + results.get(0).ranOn() + ". The agent reads:");
      out.println("            " + text.replace("\n", "\n            "));
    } catch (ToolCallRefusedException e) {
      printDecision(e.decision(), out);
      out.println("  Outcome:  not run. The agent reads:");
      out.println("            " + e.modelMessage());
    }
  }

  private static void printDecision(Decision decision, PrintStream out) {
    String kind = decision instanceof Decision.Allow ? "ALLOW"
        : decision instanceof Decision.Deny ? "DENY" : "NEEDS_APPROVAL";
    out.println("  Airlock:  " + kind + " (effect " + decision.effect() + ")");
    for (Reason reason : decision.reasons()) {
      out.printf(Locale.ROOT, "            %-27s %-21s %s%n",
          reason.code(), reason.policy(), reason.message());
    }
  }

  private static void printCounts(PrintStream out, String name, DataSource database, String note)
      throws SQLException {
    out.printf(Locale.ROOT, "  %-8s %d companies, %d executives%s%n",
        name, ReplayDatabase.companies(database), ReplayDatabase.executives(database), note);
  }
}
