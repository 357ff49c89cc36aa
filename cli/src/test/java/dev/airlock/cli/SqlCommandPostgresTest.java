package dev.airlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.cli.SqlCommandTest.Run;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code airlock sql} against a real PostgreSQL 14 (embedded). */
class SqlCommandPostgresTest {
  private static final Map<String, String> ENV = Map.of("PGPASSWORD", "unused-by-trust-auth");

  private static EmbeddedPostgres pg;
  private static String url;

  @BeforeAll
  static void start() throws IOException, SQLException {
    pg = EmbeddedPostgres.builder().start();
    url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE executives (id int PRIMARY KEY, name text NOT NULL)");
      s.execute("INSERT INTO executives SELECT i, 'executive ' || i FROM generate_series(1, 1206) i");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (pg != null) {
      pg.close();
    }
  }

  private static Run sql(String... options) {
    String[] args = new String[options.length + 7];
    System.arraycopy(new String[] {"sql", "--url", url, "--user", "postgres", "--password-env",
        "PGPASSWORD"}, 0, args, 0, 7);
    System.arraycopy(options, 0, args, 7, options.length);
    return SqlCommandTest.run(ENV, args);
  }

  private static long executives() throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM executives")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aReadRuns() {
    Run run = sql("--tier", "production",
        "SELECT count(*) AS executives, max(name) AS last FROM executives");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("executives | last\n1206 | executive 999\n(1 row)\n");
  }

  @Test
  void aWriteOnProductionIsRefused() throws SQLException {
    Run run = sql("--tier", "production", "--execute", "DELETE FROM executives");

    assertThat(run.status()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("airlock: Refused by Airlock (")
        .contains("STAGING_RUN_REQUIRED", "destructive statement");
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void aMissingTableIsADatabaseError() throws SQLException {
    Run run = sql("--tier", "staging", "SELECT count(*) FROM no_such_table");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains("no_such_table", "(SQLSTATE 42P01)");
  }
}
