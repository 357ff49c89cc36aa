package dev.airlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves the {@link MariaDbServer} harness: a real server with real grant tables, where a user's
 * privileges and a read-only transaction are enforced by MariaDB itself.
 */
class MariaDbServerTest {
  private MariaDbServer server;

  /** Per test, not {@code @BeforeAll}: Surefire counts no skipped tests when that aborts. */
  @BeforeEach
  void startServer() throws SQLException {
    server = MariaDbServer.require();
    server.execAsRoot(
        "CREATE OR REPLACE TABLE airlock.harness_probe (id INT PRIMARY KEY)",
        "INSERT INTO airlock.harness_probe VALUES (1)");
  }

  @Test
  void rootConnectsToTheAirlockDatabase() throws SQLException {
    try (Connection c = server.connectAsRoot(MariaDbServer.DATABASE);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT DATABASE(), CURRENT_USER(), VERSION()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("airlock");
      assertThat(rs.getString(2)).isEqualTo("root@127.0.0.1");
      assertThat(rs.getString(3)).containsIgnoringCase("mariadb");
    }
  }

  @Test
  void aWrongPasswordIsRejected() {
    assertThatThrownBy(() -> server.connect("airlock", server.rootUser(), "not-the-password"))
        .isInstanceOfSatisfying(SQLException.class,
            e -> assertThat(e.getErrorCode()).as("ER_ACCESS_DENIED_ERROR").isEqualTo(1045));
  }

  @Test
  void aUserWithOnlySelectCannotInsert() throws SQLException {
    server.execAsRoot(
        "CREATE OR REPLACE USER 'reader'@'%' IDENTIFIED BY 'reader-password'",
        "GRANT SELECT ON airlock.* TO 'reader'@'%'");

    try (Connection c = server.connect("airlock", "reader", "reader-password");
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM harness_probe")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO harness_probe VALUES (2)"))
          .isInstanceOfSatisfying(SQLException.class,
              e -> assertThat(e.getErrorCode()).as("ER_TABLEACCESS_DENIED_ERROR").isEqualTo(1142));
    }
  }

  @Test
  void aReadOnlyTransactionRejectsRootsInsert() throws SQLException {
    try (Connection c = server.connectAsRoot("airlock"); Statement s = c.createStatement()) {
      s.execute("START TRANSACTION READ ONLY");
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO harness_probe VALUES (3)"))
          .isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("25006");
            assertThat(e.getErrorCode()).as("ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION")
                .isEqualTo(1792);
          });
      s.execute("ROLLBACK");

      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM harness_probe WHERE id = 3")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }
}
