package dev.airlock.approval;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/** The approval store contract on an H2 database in memory. */
class JdbcApprovalStoreH2Test extends JdbcApprovalStoreContract {
  private static DataSource data;

  @BeforeAll
  static void createDatabase() {
    data = Databases.h2();
  }

  @Override
  DataSource dataSource() {
    return data;
  }

  @Override
  String productName() {
    return "H2";
  }
}
