package dev.airlock.approval;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/** The JDBC kill switch on an H2 database in memory. */
class JdbcKillSwitchH2Test extends JdbcKillSwitchContract {
  private static DataSource data;

  @BeforeAll
  static void createDatabase() {
    data = Databases.h2();
  }

  @Override
  DataSource dataSource() {
    return data;
  }
}
