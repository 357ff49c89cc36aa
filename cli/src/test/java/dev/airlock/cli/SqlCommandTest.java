package dev.airlock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.airlock.audit.AuditLog;
import dev.airlock.sql.SqlDialect;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class SqlCommandTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static final String PASSWORD_VARIABLE = "AIRLOCK_TEST_PASSWORD";
  private static final Map<String, String> ENV = Map.of(PASSWORD_VARIABLE, "");

  /** What a run printed, and how it ended. */
  record Run(int status, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    CommandLine command =
        AirlockCommand.commandLine(new ByteArrayInputStream(new byte[0]), env::get);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int status = command.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  /** {@code airlock sql} on an H2 database with the given options, as user sa. */
  private static Run sql(String url, String... options) {
    List<String> args = new ArrayList<>(List.of("sql", "--url", url, "--user", "sa",
        "--password-env", PASSWORD_VARIABLE));
    args.addAll(List.of(options));
    return run(ENV, args.toArray(String[]::new));
  }

  private String url;

  @BeforeEach
  void aDatabaseWithThreeExecutives() throws SQLException {
    url = "jdbc:h2:mem:clitest" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE executives (id INT PRIMARY KEY, name VARCHAR(40))");
      s.execute("INSERT INTO executives VALUES (1, 'Ada'), (2, 'Grace'), (3, 'Edsger')");
    }
  }

  private long executives() throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM executives")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Nested
  class OnH2 {

    @Test
    void aReadPrintsTheTable() {
      Run run = sql(url, "--tier", "production", "SELECT id, name FROM executives ORDER BY id");

      assertThat(run.status()).isZero();
      assertThat(run.out()).isEqualTo("""
          ID | NAME
          1 | Ada
          2 | Grace
          3 | Edsger
          (3 rows)
          """);
    }

    @Test
    void aReadWithExecuteRunsToo() {
      Run run = sql(url, "--tier", "replica", "--execute", "SELECT count(*) AS n FROM executives");

      assertThat(run.status()).isZero();
      assertThat(run.out()).isEqualTo("N\n3\n(1 row)\n");
    }

    @Test
    void aDeleteOnProductionIsRefusedAndTheRowsStay() throws SQLException {
      Run run = sql(url, "--tier", "production", "--execute",
          "DELETE FROM executives WHERE id >= 2");

      assertThat(run.status()).isEqualTo(3);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("airlock: Refused by Airlock (")
          .contains("NO_APPROVER", "It was not run.");
      assertThat(executives()).isEqualTo(3);
    }

    @Test
    void theSameDeleteOnDevelopmentRuns() throws SQLException {
      Run run = sql(url, "--tier", "development", "--execute",
          "DELETE FROM executives WHERE id >= 2");

      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).isEqualTo("OK: 2 row(s) changed.\n");
      assertThat(executives()).isEqualTo(1);
    }

    @Test
    void withoutExecuteOnlyReadsRun() throws SQLException {
      Run run = sql(url, "--tier", "development", "DELETE FROM executives WHERE id >= 2");

      assertThat(run.status()).isEqualTo(3);
      assertThat(run.err()).contains("NOT_A_READ", "this tool only reads");
      assertThat(executives()).isEqualTo(3);
    }

    @Test
    void aWriteOnAReplicaIsDenied() throws SQLException {
      Run run = sql(url, "--tier", "replica", "--execute", "--environment", "orders-replica",
          "UPDATE executives SET name = 'x' WHERE id = 1");

      assertThat(run.status()).isEqualTo(3);
      assertThat(run.err()).contains("EFFECT_DENIED", "replica environment 'orders-replica'");
      assertThat(executives()).isEqualTo(3);
    }

    @Test
    void aMissingTableIsADatabaseError() {
      Run run = sql(url, "--tier", "production", "SELECT * FROM no_such_table");

      assertThat(run.status()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .startsWith("airlock: the database could not run the statement: ")
          .contains("NO_SUCH_TABLE")
          .containsPattern("\\(SQLSTATE 42S\\d\\d\\)");
    }

    @Test
    void aWrongPasswordIsAConnectionError() {
      Run run = run(Map.of(PASSWORD_VARIABLE, "wrong"), "sql", "--url", url, "--user", "sa",
          "--password-env", PASSWORD_VARIABLE, "--tier", "production", "SELECT 1");

      assertThat(run.status()).isEqualTo(1);
      assertThat(run.err()).startsWith("airlock: could not connect to the database: ")
          .contains("(SQLSTATE 28000)");
    }

    @Test
    void maxRowsTruncates() {
      Run run = sql(url, "--tier", "production", "--max-rows", "2",
          "SELECT name FROM executives ORDER BY id");

      assertThat(run.status()).isZero();
      assertThat(run.out()).isEqualTo("""
          NAME
          Ada
          Grace
          (2 rows shown; the result has more and was truncated at 2 rows: narrow the query or \
          add a LIMIT)
          """);
    }

    @Test
    void writableCredentialsCanBeRequiredAway() {
      Run run = sql(url, "--tier", "production", "--require-read-only-credentials",
          "SELECT count(*) FROM executives");

      assertThat(run.status()).isEqualTo(3);
      assertThat(run.err()).contains("WRITABLE_CREDENTIALS", "ADMIN");
    }

    @Test
    void aReadOnlyUserPassesTheCredentialsCheck() throws SQLException {
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          Statement s = c.createStatement()) {
        s.execute("CREATE USER reader PASSWORD 'r'");
        s.execute("GRANT SELECT ON executives TO reader");
      }

      // DB_CLOSE_DELAY is a setting only an admin may give; the database is open already
      String plain = url.substring(0, url.indexOf(';'));
      Run run = run(Map.of("READER_PASSWORD", "r"), "sql", "--url", plain, "--user", "reader",
          "--password-env", "READER_PASSWORD", "--tier", "production",
          "--require-read-only-credentials", "SELECT count(*) FROM executives");

      assertThat(run.status()).as(run.err()).isZero();
      assertThat(run.out()).endsWith("3\n(1 row)\n");
    }

    @Test
    void theAuditLogRecordsTheRun(@TempDir Path dir) throws Exception {
      Path log = dir.resolve("audit.jsonl");

      Run read = sql(url, "--tier", "production", "--audit-log", log.toString(),
          "--agent", "report-bot", "SELECT count(*) FROM executives");
      Run refused = sql(url, "--tier", "production", "--audit-log", log.toString(),
          "--execute", "DELETE FROM executives");

      assertThat(read.status()).isZero();
      assertThat(refused.status()).isEqualTo(3);
      String text = Files.readString(log);
      assertThat(text).contains("\"report-bot\"", "DELETE FROM executives",
          "STAGING_RUN_REQUIRED");
      assertThat(AuditLog.verify(log).intact()).isTrue();
    }
  }

  @Nested
  class Usage {

    @Test
    void anUnknownUrlSchemeIsAUsageError() {
      Run run = sql("jdbc:oracle:thin:@db:1521/orders", "--tier", "production", "SELECT 1");

      assertThat(run.status()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("airlock: unsupported JDBC URL jdbc:oracle:…")
          .contains("jdbc:postgresql:", "jdbc:h2:", "airlock sql --help");
    }

    @Test
    void aMissingPasswordVariableIsAUsageError() {
      Run run = run(Map.of(), "sql", "--url", url, "--user", "sa", "--password-env",
          "NO_SUCH_VARIABLE", "--tier", "production", "SELECT 1");

      assertThat(run.status()).isEqualTo(2);
      assertThat(run.err()).startsWith("airlock: the environment variable NO_SUCH_VARIABLE"
          + " (named by --password-env) is not set");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() {
      Run run = run(Map.of(), "sql", "--url", url, "--user", "sa", "--password", "secret",
          "--tier", "production", "SELECT 1");

      assertThat(run.status()).isEqualTo(2);
      assertThat(run.err()).contains("never taken from the command line", "--password-env")
          .doesNotContain("secret");
    }

    static Stream<Arguments> usageErrors() {
      return Stream.of(
          arguments(List.of("--tier", "production"), "Missing required parameter: 'SQL'"),
          arguments(List.of("SELECT 1"), "Missing required option: '--tier=TIER'"),
          arguments(List.of("--tier", "prod", "SELECT 1"), "unknown tier 'prod'"),
          arguments(List.of("--tier", "production", "--max-rows", "0", "SELECT 1"),
              "--max-rows must be from 1 to 100000, but was 0"),
          arguments(List.of("--tier", "production", "--timeout", "7200", "SELECT 1"),
              "--timeout must be from 1 to 3600, but was 7200"),
          arguments(List.of("--tier", "production", "--agent", " ", "SELECT 1"),
              "--agent must not be blank"),
          arguments(List.of("--tier", "production", "--environment", " ", "SELECT 1"),
              "--environment: name must not be blank"),
          arguments(List.of("--tier", "production", "--password-env", "", "SELECT 1"),
              "--password-env needs the name of an environment variable"),
          arguments(List.of("--tier", "production", "-- a comment"), "goes after '--'"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void exitWithTwo(List<String> options, String message) {
      List<String> args = new ArrayList<>(List.of("sql", "--url", url));
      args.addAll(options);

      Run run = run(ENV, args.toArray(String[]::new));

      assertThat(run.status()).as(run.err()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("airlock: ").contains(message);
    }

    @Test
    void theUrlIsRequired() {
      Run run = run(ENV, "sql", "--tier", "production", "SELECT 1");

      assertThat(run.status()).isEqualTo(2);
      assertThat(run.err()).contains("Missing required option: '--url=JDBC_URL'");
    }

    @Test
    void helpNamesTheOptionsAndExitCodes() {
      Run run = run(ENV, "sql", "--help");

      assertThat(run.status()).isZero();
      assertThat(run.out()).contains("--url", "--user", "--password-env", "--tier",
          "--environment", "--execute", "--max-rows", "--timeout", "--agent", "--audit-log",
          "--require-read-only-credentials", "keeps nothing", "Exit status:", "3   Airlock refused")
          .doesNotContain("--password ");
      assertThat(run(ENV, "--help").out()).contains("sql", "Run SQL against a database");
    }
  }

  @Nested
  class Urls {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        jdbc:postgresql://db:5432/orders | POSTGRESQL
        JDBC:PostgreSQL://db/orders      | POSTGRESQL
        jdbc:mysql://db:3306/orders      | MYSQL
        jdbc:mariadb://db/orders         | MYSQL
        jdbc:h2:mem:x                    | H2
        jdbc:h2:./data/dev               | H2
        """)
    void giveTheDialect(String url, SqlDialect dialect) {
      assertThat(SqlCommand.dialectOf(url)).isEqualTo(dialect);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        jdbc:sqlserver://db;databaseName=orders
        postgresql://db/orders
        jdbc:postgres://db/orders
        ''
        """)
    void otherUrlsAreRefused(String url) {
      assertThatThrownBy(() -> SqlCommand.dialectOf(url))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("unsupported JDBC URL");
    }

    @Test
    void theBundledMariaDbDriverOpensMysqlUrls() throws SQLException {
      assertThat(SqlCommand.driverUrl("jdbc:mysql://db:3306/orders"))
          .isEqualTo("jdbc:mysql://db:3306/orders?permitMysqlScheme");
      assertThat(SqlCommand.driverUrl("jdbc:mysql://db/orders?useSsl=true"))
          .isEqualTo("jdbc:mysql://db/orders?useSsl=true&permitMysqlScheme");
      assertThat(SqlCommand.driverUrl("jdbc:mariadb://db/orders"))
          .isEqualTo("jdbc:mariadb://db/orders");

      assertThat(DriverManager.getDriver(SqlCommand.driverUrl("jdbc:mysql://db/orders"))
          .getClass().getName()).isEqualTo("org.mariadb.jdbc.Driver");
      assertThat(DriverManager.getDriver("jdbc:mariadb://db/orders").getClass().getName())
          .isEqualTo("org.mariadb.jdbc.Driver");
      assertThat(DriverManager.getDriver("jdbc:postgresql://db/orders").getClass().getName())
          .isEqualTo("org.postgresql.Driver");
    }
  }
}
