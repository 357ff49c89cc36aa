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
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The guarded data source on a real MariaDB (Debian's {@code mariadb-server}, started on a private
 * port and data directory). A MariaDB READ ONLY transaction stops DML but not DDL or GRANT, which
 * commit implicitly: there the SELECT-only user carries more of the weight.
 */
class GuardedDataSourceMariaDbTest {
  private static final String PROD = "orders-db";
  private static final String DEV = "orders-dev";
  private static final String DB = "guarded";
  private static boolean created;

  private MariaDbServer server;
  private final Events events = new Events();

  @BeforeEach
  void createSchema() throws SQLException {
    server = MariaDbServer.require(); // skips (or fails when required) with a visible reason
    synchronized (GuardedDataSourceMariaDbTest.class) {
      if (!created) {
        created = true;
        server.execAsRoot("DROP DATABASE IF EXISTS " + DB, "CREATE DATABASE " + DB, "USE " + DB,
            "CREATE TABLE executives (id INT PRIMARY KEY, name VARCHAR(100),"
                + " region VARCHAR(10))",
            "INSERT INTO executives SELECT seq, CONCAT('Executive ', seq),"
                + " IF(seq <= 12, 'emea', 'amer') FROM seq_1_to_1206",
            "CREATE TABLE `Board Members` (id INT, `Full Name` VARCHAR(100))",
            "INSERT INTO `Board Members` SELECT seq, CONCAT('Member ', seq)"
                + " FROM seq_1_to_30",
            "CREATE FUNCTION purge_executives() RETURNS INT MODIFIES SQL DATA"
                + " BEGIN DELETE FROM executives; RETURN 0; END",
            "CREATE USER 'airlock_reader'@'127.0.0.1' IDENTIFIED BY 'reader'",
            "GRANT SELECT ON " + DB + ".* TO 'airlock_reader'@'127.0.0.1'");
      }
    }
  }

  private DataSource as(String user, String password) throws SQLException {
    MariaDbDataSource data = new MariaDbDataSource();
    data.setUrl(server.jdbcUrl(DB));
    data.setUser(user);
    data.setPassword(password);
    return data;
  }

  private DataSource root() throws SQLException {
    return as(server.rootUser(), server.rootPassword());
  }

  private Airlock airlock(Airlock.Builder builder) {
    return builder
        .environment(Environment.production(PROD).withDialect(SqlDialect.MYSQL))
        .environment(Environment.development(DEV).withDialect(SqlDialect.MYSQL))
        .sqlTool("sql", "sql")
        .sqlAnalyzer(SqlAnalyzer.builder(SqlDialect.MYSQL)
            .functions(FunctionCatalog.defaults(SqlDialect.MYSQL)
                .with("purge_executives", Effect.READ))
            .build())
        .auditSink(events)
        .build();
  }

  private long executives() throws SQLException {
    try (Connection c = server.connectAsRoot(DB);
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM executives")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aWriteThatSlipsPastClassificationFailsInTheReadOnlyTransaction() throws SQLException {
    // Root credentials on purpose: the READ ONLY transaction alone is the wall here.
    GuardedDataSource data = GuardedDataSource.builder(airlock(Airlock.builder()), PROD)
        .reads(root()).build();

    assertThatThrownBy(() -> data.query(SqlCall.of("bot", "SELECT purge_executives()")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(
            e.decision().primaryReason().code()).isEqualTo(ReasonCode.READ_ONLY_VIOLATION));
    assertThat(executives()).isEqualTo(1206);
    assertThat(data.query(SqlCall.of("bot", "SELECT count(*) FROM executives")).get(0).rows())
        .containsExactly(List.of("1206"));
  }

  @Test
  void selectOnlyCredentialsAreReadOnlyAndRootIsNot() throws SQLException {
    GuardedDataSource reader = GuardedDataSource.builder(airlock(Airlock.builder()), PROD)
        .reads(as("airlock_reader", "reader")).requireReadOnlyCredentials(true).build();
    assertThat(reader.credentials().get(0).isReadOnly())
        .as(reader.credentials().get(0).describe()).isTrue();
    assertThat(reader.query(SqlCall.of("bot", "SELECT name FROM executives WHERE id = ?", 3))
        .get(0).rows()).containsExactly(List.of("Executive 3"));

    GuardedDataSource root = GuardedDataSource.builder(airlock(Airlock.builder()), PROD)
        .reads(root()).requireReadOnlyCredentials(true).build();
    assertThat(root.credentials().get(0).findings()).isNotEmpty();
    assertThatThrownBy(() -> root.query(SqlCall.of("bot", "SELECT 1")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(
            e.decision().primaryReason().code()).isEqualTo(ReasonCode.WRITABLE_CREDENTIALS));
  }

  @Test
  void theExactCountEqualsTheRowsChangedAndACeilingRollsBack() throws SQLException {
    Airlock airlock = airlock(Airlock.builder().policy("twelve-rows", (call, context) ->
        Vote.allow(ReasonCode.of("TWELVE_ROWS"), "at most 12 rows").withRowCeiling(12)));
    GuardedDataSource data = GuardedDataSource.builder(airlock, DEV)
        .reads(root()).writes(root()).build();
    List<SqlCall> calls = List.of(
        SqlCall.of("bot", "UPDATE executives SET name = name WHERE region = 'emea'"),
        SqlCall.of("bot", "UPDATE `Board Members` SET id = id WHERE `Full Name` LIKE 'Member 1\\_%'"
            + " OR `Full Name` LIKE 'Member 2%'"),
        SqlCall.of("bot", "UPDATE guarded.executives SET region = region WHERE id <= ?"
            + " ORDER BY id LIMIT 5", 100));
    List<Long> expected = List.of(12L, 11L, 5L);
    for (int i = 0; i < calls.size(); i++) {
      // MariaDB reports rows matched only with useAffectedRows=false (the driver default)
      data.execute(calls.get(i));
      Map<String, Object> details = Events.map(events.last("execution").get("details"));
      assertThat(Events.map(details.get("rowEstimate")).get("exact")).as(calls.get(i).sql())
          .isEqualTo(expected.get(i));
      assertThat(details.get("rowsChanged")).as(calls.get(i).sql()).isEqualTo(expected.get(i));
    }

    assertThatThrownBy(() -> data.execute(SqlCall.of("bot", "DELETE FROM executives")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(
            e.decision().primaryReason().code()).isEqualTo(ReasonCode.ROW_LIMIT_EXCEEDED));
    assertThat(executives()).isEqualTo(1206);
  }
}
