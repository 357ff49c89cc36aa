package dev.airlock.cli;

import dev.airlock.Airlock;
import dev.airlock.Environment;
import dev.airlock.Tier;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.ToolExecutionException;
import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditException;
import dev.airlock.audit.AuditSink;
import dev.airlock.jdbc.GuardedDataSource;
import dev.airlock.jdbc.SqlCall;
import dev.airlock.jdbc.SqlResult;
import dev.airlock.jdbc.SqlTool;
import dev.airlock.sql.SqlDialect;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code airlock sql}: runs SQL against a database through the same guard as the library, an
 * {@link Airlock} with one environment and a {@link GuardedDataSource} whose read and write data
 * sources both connect with the given URL and user. Nothing approves: what would need a person's
 * approval is refused ({@code NO_APPROVER}).
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    versionProvider = AirlockCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    headerHeading = "%n",
    header = "Run SQL against a database through Airlock's guard.",
    synopsisHeading = "%nUsage: ",
    descriptionHeading = "%n",
    description = {
        "Runs the SQL the way an application's agent would through Airlock's JDBC layer: one "
            + "environment of the given tier, whose dialect comes from the JDBC URL "
            + "(jdbc:postgresql, jdbc:mysql or jdbc:mariadb, jdbc:h2), the SQL tool 'sql', and "
            + "reads and writes on the same connection settings. Reads run in a read-only "
            + "transaction with a statement timeout and at most --max-rows rows.",
        "",
        "Without --execute the text must only read; with it, a write runs when the tier's "
            + "rules allow it. Nobody approves here: what would need a person's approval (any "
            + "write on production) is refused.",
        "",
        "The password is read from the environment variable named by --password-env, never "
            + "from the command line; do not put it in the URL either. Without --audit-log, "
            + "the audit events go to an in-memory sink that keeps nothing."
    },
    parameterListHeading = "%nArguments:%n",
    optionListHeading = "%nOptions:%n",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:the SQL ran; its result is on stdout",
        "1:the database or the connection failed (the message and SQLSTATE are on stderr), or "
            + "the audit log could not be opened",
        "2:usage error: an unknown option or value, an unsupported JDBC URL, a missing password "
            + "variable",
        "3:Airlock refused the SQL (also when it would need a person's approval); the refusal "
            + "is on stderr and nothing ran"
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  airlock sql --url jdbc:postgresql://db/orders --user reader \\",
        "      --password-env PGPASSWORD --tier production \"SELECT count(*) FROM orders\"",
        "  airlock sql --url jdbc:h2:./dev --user sa --tier development --execute \\",
        "      \"DELETE FROM orders WHERE id = 7\""
    })
final class SqlCommand implements Callable<Integer> {

  /** The name of the SQL tool the command registers and calls. */
  static final String TOOL = "sql";

  private static final int MAX_ROWS_LIMIT = 100_000;
  private static final int MAX_TIMEOUT_SECONDS = 3_600;

  @Spec
  private CommandSpec spec;

  @Option(
      names = "--url",
      required = true,
      paramLabel = "JDBC_URL",
      description = "The database: jdbc:postgresql:…, jdbc:mysql:… or jdbc:mariadb:… (the "
          + "bundled MariaDB driver opens both), or jdbc:h2:…; it also decides the dialect.")
  private String url;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description = "The database user; ideally one that may only read (see "
          + "--require-read-only-credentials).")
  private String user;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "The name of the environment variable that holds the password. Without "
          + "it, no password is sent.")
  private String passwordVariable;

  /** Taken only to refuse it: a password on the command line shows in ps and shell history. */
  @Option(names = "--password", hidden = true, arity = "0..1")
  private String password;

  @Option(
      names = "--tier",
      required = true,
      paramLabel = "TIER",
      description = "production, staging, development or replica, in any case: whose rules "
          + "decide.")
  private Tier tier;

  @Option(
      names = "--environment",
      paramLabel = "NAME",
      defaultValue = "cli",
      description = "The environment's name in messages and the audit log "
          + "(default: ${DEFAULT-VALUE}).")
  private String environment;

  @Option(
      names = "--execute",
      description = "Run the SQL as Airlock allows it, writes included. Without it, only "
          + "reads run.")
  private boolean execute;

  @Option(
      names = "--max-rows",
      paramLabel = "N",
      defaultValue = "200",
      description = "The most rows a result shows, from 1 to 100000 (default: ${DEFAULT-VALUE}).")
  private int maxRows;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "The statement timeout in seconds, from 1 to 3600 "
          + "(default: ${DEFAULT-VALUE}).")
  private int timeoutSeconds;

  @Option(
      names = "--agent",
      paramLabel = "NAME",
      defaultValue = "cli",
      description = "Who asks, as the audit log records it (default: ${DEFAULT-VALUE}).")
  private String agent;

  @Option(
      names = "--audit-log",
      paramLabel = "FILE",
      description = "Record every step in this hash-chained JSON Lines file (created if "
          + "missing, continued if it exists). Without it, the events go to an in-memory sink "
          + "that keeps nothing.")
  private Path auditLog;

  @Option(
      names = "--require-read-only-credentials",
      description = "On production and replica, refuse every read while the user can do more "
          + "than read. Without it, such credentials are only warned about.")
  private boolean requireReadOnlyCredentials;

  @Parameters(
      arity = "1",
      paramLabel = "SQL",
      description = "The SQL text, as one argument (quote it). A text that starts with '-' "
          + "goes after '--'.")
  private String sql;

  private final Function<String, String> environmentVariables;

  /**
   * The command, reading the password variable through {@code environmentVariables}.
   *
   * @param environmentVariables looks up an environment variable, null when it is not set
   */
  SqlCommand(Function<String, String> environmentVariables) {
    this.environmentVariables = Objects.requireNonNull(environmentVariables);
  }

  @Override
  public Integer call() {
    SqlDialect dialect = dialect(url);
    String secret = password();
    Environment guarded = environment(dialect);
    checkRange("--max-rows", maxRows, 1, MAX_ROWS_LIMIT);
    checkRange("--timeout", timeoutSeconds, 1, MAX_TIMEOUT_SECONDS);
    if (agent.isBlank()) {
      throw usage("--agent must not be blank");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    DriverManagerDataSource data = new DriverManagerDataSource(driverUrl(url), user, secret);
    try (Connection probe = data.getConnection()) {
      probe.getMetaData(); // connected and logged in; nothing ran
    } catch (SQLException e) {
      err.println("airlock: could not connect to the database: " + describe(e));
      err.flush();
      return AirlockCommand.FAILURE;
    }

    Airlock airlock;
    try {
      airlock = airlock(guarded);
    } catch (AuditException e) {
      err.println("airlock: could not open the audit log " + auditLog + ": " + e.getMessage());
      err.flush();
      return AirlockCommand.FAILURE;
    }
    try (airlock) {
      GuardedDataSource db = GuardedDataSource.builder(airlock, guarded.name())
          .tool(TOOL, TOOL)
          .reads(data)
          .writes(data)
          .maxRows(maxRows)
          .statementTimeout(Duration.ofSeconds(timeoutSeconds))
          .requireReadOnlyCredentials(requireReadOnlyCredentials)
          .build();
      SqlCall call = SqlCall.of(agent, sql);
      try {
        List<SqlResult> results = execute ? db.execute(call) : db.query(call);
        out.print(SqlTool.format(results));
        out.flush();
        return 0;
      } catch (ToolCallRefusedException e) {
        err.println("airlock: " + e.modelMessage());
        err.flush();
        return AirlockCommand.REFUSED;
      } catch (ToolExecutionException e) {
        err.println("airlock: " + (e.getCause() instanceof SQLException cause
            ? "the database could not run the statement: " + describe(cause)
            : "the statement could not be run: " + e.getCause()));
        err.flush();
        return AirlockCommand.FAILURE;
      }
    }
  }

  /**
   * The dialect a JDBC URL's database speaks.
   *
   * @param url the URL
   * @return the dialect
   * @throws IllegalArgumentException naming the URLs Airlock can guard, if it is none of them
   */
  static SqlDialect dialectOf(String url) {
    String lower = url.strip().toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      return SqlDialect.POSTGRESQL;
    }
    if (lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mariadb:")) {
      return SqlDialect.MYSQL;
    }
    if (lower.startsWith("jdbc:h2:")) {
      return SqlDialect.H2;
    }
    int scheme = lower.indexOf(':', lower.startsWith("jdbc:") ? 5 : 0);
    String shown = scheme > 0 ? url.strip().substring(0, scheme + 1) + "…" : "'" + url + "'";
    throw new IllegalArgumentException("unsupported JDBC URL " + shown + ": use jdbc:postgresql:"
        + ", jdbc:mysql:, jdbc:mariadb: or jdbc:h2:");
  }

  /**
   * The URL as the bundled drivers take it: the MariaDB driver opens a {@code jdbc:mysql:} URL
   * only when it holds {@code permitMysqlScheme}, so that is added.
   *
   * @param url the URL as given
   * @return the URL for {@link java.sql.DriverManager}
   */
  static String driverUrl(String url) {
    String stripped = url.strip();
    if (!stripped.regionMatches(true, 0, "jdbc:mysql:", 0, 11)
        || stripped.contains("permitMysqlScheme")) {
      return stripped;
    }
    return "jdbc:mysql:" + stripped.substring(11) + (stripped.indexOf('?') >= 0 ? "&" : "?")
        + "permitMysqlScheme";
  }

  private SqlDialect dialect(String text) {
    try {
      return dialectOf(text);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private String password() {
    if (password != null) {
      throw usage("the password is never taken from the command line, where ps and the shell"
          + " history show it: put it in an environment variable and name the variable with"
          + " --password-env VAR");
    }
    if (passwordVariable == null) {
      return null;
    }
    if (passwordVariable.isBlank()) {
      throw usage("--password-env needs the name of an environment variable");
    }
    String value = environmentVariables.apply(passwordVariable);
    if (value == null) {
      throw usage("the environment variable " + passwordVariable + " (named by --password-env)"
          + " is not set; export it with the password, or leave out --password-env to send"
          + " no password");
    }
    return value;
  }

  private Environment environment(SqlDialect dialect) {
    try {
      return new Environment(environment, tier, dialect);
    } catch (IllegalArgumentException e) {
      throw usage("--environment: " + e.getMessage());
    }
  }

  private Airlock airlock(Environment guarded) {
    Airlock.Builder builder = Airlock.builder()
        .environment(guarded)
        .sqlTool(TOOL, TOOL, guarded.name());
    if (auditLog != null) {
      builder.auditLog(auditLog);
    } else {
      builder.auditSink(new DiscardingAuditSink());
    }
    return builder.build();
  }

  private void checkRange(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw usage(option + " must be from " + min + " to " + max + ", but was " + value);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The first line of an exception's message and its SQLSTATE. */
  static String describe(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getName()
        : e.getMessage().strip().lines().findFirst().orElse("");
    return message + " (SQLSTATE " + (e.getSQLState() != null ? e.getSQLState() : "unknown")
        + ")";
  }

  /** The audit sink without {@code --audit-log}: it takes every event and keeps none. */
  private static final class DiscardingAuditSink implements AuditSink {
    @Override
    public void append(AuditEvent event) {
      Objects.requireNonNull(event, "event");
    }

    @Override
    public String toString() {
      return "an in-memory audit sink that keeps nothing";
    }
  }
}
