package dev.airlock.approval;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC kill switch on a real PostgreSQL 14. */
class JdbcKillSwitchPostgresTest extends JdbcKillSwitchContract {
  private static DataSource data;

  @BeforeAll
  static void createDatabase() {
    data = Databases.postgres();
  }

  @Override
  DataSource dataSource() {
    return data;
  }
}
