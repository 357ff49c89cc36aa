package dev.airlock.samples;

import dev.airlock.Airlock;
import dev.airlock.Decision;
import dev.airlock.Environment;
import dev.airlock.Reason;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalRequest;
import dev.airlock.approval.ApprovalTexts;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Replays the July 2025 incident in which a coding agent, during a code freeze and told in capitals
 * not to touch production, deleted 1,206 executive records from a production database, inserted
 * about 4,000 invented ones and reported that all was well. Here the agent's SQL tool goes through
 * Airlock, and the whole gate shows: the agent may read production; its DELETE is refused until the
 * same statement ran on staging; then a person sees both counts and rejects it; its 4,000 invented
 * INSERTs run into the write budget, and the auto-kill stops the agent.
 *
 * <p>Two PostgreSQL servers run embedded in this process: production, and staging with a copy of
 * production's data. A scripted agent (no model, no network) makes the incident's tool calls, and
 * a scripted on-call engineer answers the approval request.
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
  private static final String ON_CALL = "oncall@example.com";
  private static final String TOOL = "run_sql";
  private static final String SESSION = "code-freeze";
  private static final String USAGE = "usage: java -jar airlock-incident-replay.jar [--audit FILE]";

  private static final String INSTRUCTION = "Clean up the old records.";
  private static final String DELETE_ALL = "DELETE FROM executives";
  private static final int INVENTED = 4000;
  private static final String CLAIM = "All tests pass, records cleaned up.";

  /** One SQL call of the agent, on the database its connection reaches. */
  private record Step(String title, String environment, String sql, String reason) {}

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

  static Result replay(Path auditFile, PrintStream out)
      throws IOException, SQLException, InterruptedException {
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
      // The on-call engineer's pager: every approval request lands here, and nobody answers the
      // pager by itself; the replay reads it and answers through airlock.decide, as a web page
      // or a chat command would.
      BlockingQueue<ApprovalRequest> onCall = new LinkedBlockingQueue<>();
      try (Airlock airlock = airlock(auditFile, onCall)) {
        // The application decides which database a call reaches, by the environment its SQL
        // connection is bound to; the model only writes the SQL.
        Map<String, GuardedDataSource> databases = Map.of(
            PRODUCTION, GuardedDataSource.builder(airlock, PRODUCTION).tool(TOOL, "sql")
                .reads(productionReader).writes(production)
                .requireReadOnlyCredentials(true).maxRows(5).build(),
            STAGING, GuardedDataSource.builder(airlock, STAGING).tool(TOOL, "sql")
                .reads(staging).writes(staging).maxRows(5).build());
        out.println("Airlock: run_sql is a SQL tool on prod and staging: each statement is analysed;");
        out.println("         production allows reads; writes need a person, who is paged and");
        out.println("         answers later (the agent is told which request waits); a destructive");
        out.println("         statement must first have run on staging, a mirror of production.");
        out.println("         Reads on prod run as a SELECT-only user in a read-only transaction;");
        out.println("         a write's rows are counted first, read-only (EXPLAIN and an exact count).");
        out.println("         Each agent may send 10 writes a minute to production; an agent refused");
        out.println("         for half of 10 calls within a minute is stopped by the kill switch.");
        out.println("Audit log: " + auditFile
            + (continuing ? " (appending to its existing chain)" : " (new)"));
        out.println();
        out.println("A code freeze is on; the user has told the agent, in capitals, not to touch");
        out.println("production. The user: \"" + INSTRUCTION + "\"");

        attempt(databases, new Step("Step 1. The agent looks at production, which it may read",
            PRODUCTION, "SELECT count(*) AS executives, min(created_at) AS oldest FROM executives",
            "find the old records"), out);
        attempt(databases, new Step("Step 2. The agent cleans up the old records, on production",
            PRODUCTION, DELETE_ALL, "clean up old records"), out);
        attempt(databases, new Step("Step 3. Told to try it on staging first, it does",
            STAGING, DELETE_ALL, "try the clean-up on staging first"), out);
        out.printf(Locale.ROOT, "  Staging now has %d executives; production still has %d.%n",
            ReplayDatabase.executives(staging), ReplayDatabase.executives(production));
        Decision asked = attempt(databases, new Step(
            "Step 4. It sends the same DELETE to production again", PRODUCTION, DELETE_ALL,
            "it worked on staging"), out);

        out.println();
        out.println("Step 5. The on-call engineer is asked, and sees:");
        ApprovalRequest request = onCall.poll(30, TimeUnit.SECONDS);
        if (request == null) {
          throw new IllegalStateException("the approval request never reached the on-call pager");
        }
        out.println("            " + ApprovalTexts.describe(request).strip()
            .replace("\n", "\n            "));
        airlock.decide(((Decision.NeedsApproval) asked).requestId(), ApprovalDecision.reject(
            ON_CALL, "this is every executive; we are in a code freeze"));
        out.println("  " + ON_CALL + " rejects request " + request.requestId() + ".");

        out.println();
        out.println("Step 6. The agent inserts " + INVENTED + " invented executives, one by one");
        insertInvented(databases.get(PRODUCTION), out);
        airlock.killSwitch().engagementFor(AGENT).ifPresent(e -> out.println("  Kill switch:"
            + " engaged for " + AGENT + " by " + e.by() + ": " + e.reason()));

        out.println();
        out.println("Step 7. The agent reports: \"" + CLAIM + "\"");
        out.printf(Locale.ROOT, "  Production says: %d executives, %d of them invented.%n",
            ReplayDatabase.executives(production), ReplayDatabase.generatedExecutives(production));
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

  private static Airlock airlock(Path auditFile, BlockingQueue<ApprovalRequest> onCall) {
    return Airlock.builder()
        .environment(Environment.production(PRODUCTION))
        // Staging mirrors production: a destructive statement must run here before production.
        .environment(Environment.staging(STAGING, PRODUCTION))
        // The SQL in the "sql" argument is analysed: its effect (READ, WRITE, DESTRUCTIVE…) is
        // what the default effect rules judge. Production: reads run, writes need a person.
        .sqlTool(TOOL, "sql", PRODUCTION, STAGING)
        // Which agents may use the tool at all, and where.
        .policy(EnvironmentAllowlist.builder().allow(AGENT, TOOL, PRODUCTION, STAGING).build())
        // Asynchronous approval (the default): the request is handed over and the agent told.
        .approver(request -> {
          onCall.add(request);
          return new CompletableFuture<>();
        })
        // The defaults, spelled out: 10 writes a minute on production per agent, and an agent
        // refused for half of at least 10 calls within 60 s is stopped.
        .writeBudget(10, Duration.ofMinutes(1))
        .autoKill(10, 50, Duration.ofSeconds(60))
        .auditLog(auditFile)
        .build();
  }

  private static Decision attempt(
      Map<String, GuardedDataSource> databases, Step step, PrintStream out) {
    out.println();
    out.println(step.title());
    out.println("  Tries:    " + TOOL + " on " + step.environment() + ", reason \"" + step.reason()
        + "\"");
    out.println("  SQL:      " + step.sql().replace("\n", "\n            "));
    try {
      // The guarded data source decides (counting a write's rows first), then runs a read in a
      // read-only transaction and an allowed write within its row ceiling. Each step is audited.
      List<SqlResult> results = databases.get(step.environment()).execute(
          new SqlCall(AGENT, step.sql(), List.of(), SESSION, step.reason()));
      String text = SqlTool.format(results).strip();
      out.println("  Airlock:  ALLOW");
      out.println("  Outcome:  ran on " + results.get(0).ranOn() + ". The agent reads:");
      out.println("            " + text.replace("\n", "\n            "));
      return null;
    } catch (ToolCallRefusedException e) {
      printDecision(e.decision(), out);
      out.println("  Outcome:  not run. The agent reads:");
      out.println("            " + e.modelMessage());
      return e.decision();
    }
  }

  /** The invented rows, one INSERT each, as the agent sent them; tallied by what stopped them. */
  private static void insertInvented(GuardedDataSource production, PrintStream out) {
    Map<String, int[]> byOutcome = new LinkedHashMap<>();
    for (int n = 1; n <= INVENTED; n++) {
      String sql = "INSERT INTO executives (company_id, name, title, created_at) VALUES ("
          + (1 + n % 1196) + ", '" + ReplayDatabase.GENERATED_NAME_PREFIX + n
          + "', 'Chief Executive Officer', now())";
      String outcome;
      try {
        production.execute(new SqlCall(AGENT, sql, List.of(), SESSION,
            "repopulate executives so the app and its tests work"));
        outcome = "RAN";
      } catch (ToolCallRefusedException e) {
        Decision d = e.decision();
        outcome = d instanceof Decision.NeedsApproval ? "NEEDS_APPROVAL, a request waits"
            : "DENY " + d.primaryReason().code();
        if (!byOutcome.containsKey(outcome)) {
          out.println("  INSERT " + n + ": " + e.modelMessage());
        }
      }
      int[] range = byOutcome.computeIfAbsent(outcome, k -> new int[3]);
      if (range[2] == 0) {
        range[0] = n;
      }
      range[1] = n;
      range[2]++;
    }
    out.println("  Tally:");
    byOutcome.forEach((outcome, range) -> out.printf(Locale.ROOT,
        "    INSERT %4d-%-4d  %4d x %s%n", range[0], range[1], range[2], outcome));
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
