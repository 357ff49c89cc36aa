package dev.airlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Airlock;
import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.policy.Vote;
import dev.airlock.sql.FunctionCatalog;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded data source on H2, which has no read-only transaction: its wall is a database
 * opened with {@code ACCESS_MODE_DATA=r} or a SELECT-only user.
 */
public class GuardedDataSourceH2Test {
  private static final String PROD = "orders-db";
  private static final String DEV = "orders-dev";

  @TempDir static Path dir;
  private static DataSource fileAdmin;
  private static DataSource fileReadOnly;
  private static DataSource admin;
  private static DataSource reader;

  private final Events events = new Events();

  /** Called by H2 as the function PURGE: a write that the test declares a read. */
  public static int purge(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      return s.executeUpdate("DELETE FROM executives");
    }
  }

  @BeforeAll
  static void createDatabases() throws SQLException {
    String file = dir.resolve("orders").toString();
    fileAdmin = h2("jdbc:h2:file:" + file, "sa");
    run(fileAdmin, "CREATE TABLE executives (id INT PRIMARY KEY, name VARCHAR(100))",
        "INSERT INTO executives SELECT X, 'Executive ' || X FROM SYSTEM_RANGE(1, 1206)",
        "CREATE ALIAS PURGE FOR '" + GuardedDataSourceH2Test.class.getName() + ".purge'",
        "SHUTDOWN");
    fileReadOnly = h2("jdbc:h2:file:" + file + ";ACCESS_MODE_DATA=r", "sa");

    admin = h2("jdbc:h2:mem:guarded;DB_CLOSE_DELAY=-1", "sa");
    run(admin, "CREATE TABLE executives (id INT PRIMARY KEY, name VARCHAR(100))",
        "INSERT INTO executives SELECT X, 'Executive ' || X FROM SYSTEM_RANGE(1, 1206)",
        "CREATE TABLE \"Board Members\" (id INT, \"Full Name\" VARCHAR(100))",
        "INSERT INTO \"Board Members\" SELECT X, 'Member ' || X FROM SYSTEM_RANGE(1, 30)",
        "CREATE SCHEMA hr", "CREATE TABLE hr.staff (id INT, name VARCHAR(20))",
        "INSERT INTO hr.staff VALUES (1, 'a_1'), (2, 'a_2'), (3, 'ab3'), (4, 'b%4'), (5, 'bx5')",
        "CREATE USER reader PASSWORD 'r'", "GRANT SELECT ON executives TO reader");
    JdbcDataSource r = new JdbcDataSource();
    r.setURL("jdbc:h2:mem:guarded");
    r.setUser("reader");
    r.setPassword("r");
    reader = r;
  }

  private static DataSource h2(String url, String user) {
    JdbcDataSource data = new JdbcDataSource();
    data.setURL(url);
    data.setUser(user);
    return data;
  }

  private static void run(DataSource data, String... statements) throws SQLException {
    try (Connection c = data.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  private Airlock airlock(Airlock.Builder extra) {
    return extra
        .environment(Environment.production(PROD).withDialect(SqlDialect.H2))
        .environment(Environment.development(DEV).withDialect(SqlDialect.H2))
        .sqlTool("sql", "sql")
        .sqlAnalyzer(SqlAnalyzer.builder(SqlDialect.H2)
            .functions(FunctionCatalog.defaults(SqlDialect.H2).with("purge", Effect.READ))
            .build())
        .auditSink(events)
        .build();
  }

  private static long count(DataSource data, String table) throws SQLException {
    try (Connection c = data.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aDatabaseOpenedReadOnlyStopsAWriteThatSlipsPastClassification() throws SQLException {
    GuardedDataSource data = GuardedDataSource.builder(airlock(Airlock.builder()), PROD)
        .reads(fileReadOnly).requireReadOnlyCredentials(true).build();

    assertThat(data.credentials()).singleElement().satisfies(r -> {
      assertThat(r.isReadOnly()).as(r.describe()).isTrue();
      assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("ACCESS_MODE_DATA=r"));
    });
    assertThatThrownBy(() -> data.query(SqlCall.of("bot", "SELECT PURGE()")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(
            e.decision().primaryReason().code()).isEqualTo(ReasonCode.READ_ONLY_VIOLATION));
    assertThat(data.query(SqlCall.of("bot", "SELECT count(*) FROM executives")).get(0).rows())
        .containsExactly(List.of("1206"));
    assertThat(count(fileReadOnly, "executives")).isEqualTo(1206);
  }

  @Test
  void anAdminUserIsFoundAndRequiredAway() {
    GuardedDataSource data = GuardedDataSource.builder(airlock(Airlock.builder()), PROD)
        .reads(admin).requireReadOnlyCredentials(true).build();

    assertThat(data.credentials().get(0).findings()).extracting(Object::toString)
        .as(data.credentials().get(0).describe()).contains("ADMIN");
    assertThatThrownBy(() -> data.query(SqlCall.of("bot", "SELECT 1")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(
            e.decision().primaryReason().code()).isEqualTo(ReasonCode.WRITABLE_CREDENTIALS));

    GuardedDataSource selectOnly = GuardedDataSource.builder(airlock(Airlock.builder()), PROD)
        .reads(reader).requireReadOnlyCredentials(true).maxRows(3).build();
    assertThat(selectOnly.credentials().get(0).isReadOnly()).isTrue();
    assertThat(SqlTool.of(selectOnly, "bot").query("SELECT id FROM executives ORDER BY id"))
        .isEqualTo("ID\n1\n2\n3\n(3 rows shown; the result has more and was truncated at 3 rows:"
            + " narrow the query or add a LIMIT)\n");
  }

  @Test
  void theExactCountEqualsTheRowsChangedAndAWriteAboveItsCeilingIsRolledBack()
      throws SQLException {
    Airlock airlock = airlock(Airlock.builder().policy("twelve-rows", (call, context) ->
        Vote.allow(ReasonCode.of("TWELVE_ROWS"), "at most 12 rows").withRowCeiling(12)));
    GuardedDataSource data = GuardedDataSource.builder(airlock, DEV)
        .reads(admin).writes(admin).build();
    List<SqlCall> calls = List.of(
        SqlCall.of("bot", "UPDATE hr.staff SET name = name WHERE name LIKE 'a\\_%' ESCAPE '\\'"),
        SqlCall.of("bot", "DELETE FROM hr.staff WHERE name LIKE 'b!%%' ESCAPE '!'"),
        SqlCall.of("bot", "DELETE FROM \"Board Members\" WHERE \"Full Name\" LIKE 'Member 1%'"),
        SqlCall.of("bot", "UPDATE executives SET name = name WHERE id < ?", 6));
    List<Long> expected = List.of(2L, 1L, 11L, 5L);
    for (int i = 0; i < calls.size(); i++) {
      data.execute(calls.get(i));
      Map<String, Object> details = Events.map(events.last("execution").get("details"));
      assertThat(Events.map(details.get("rowEstimate")).get("exact")).as(calls.get(i).sql())
          .isEqualTo(expected.get(i));
      assertThat(details.get("rowsChanged")).isEqualTo(expected.get(i));
    }

    assertThatThrownBy(() -> data.execute(SqlCall.of("bot", "DELETE FROM executives")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(
            e.decision().primaryReason().code()).isEqualTo(ReasonCode.ROW_LIMIT_EXCEEDED));
    assertThat(count(admin, "executives")).isEqualTo(1206);
  }
}
