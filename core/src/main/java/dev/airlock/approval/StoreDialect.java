package dev.airlock.approval;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The databases {@link JdbcApprovalStore} runs on, and the SQL that differs between them. */
enum StoreDialect {
  POSTGRESQL("PostgreSQL", "postgresql",
      "INSERT INTO airlock_kill_switch (scope, reason, engaged_by, engaged_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (scope) DO UPDATE SET reason = EXCLUDED.reason,"
          + " engaged_by = EXCLUDED.engaged_by, engaged_at = EXCLUDED.engaged_at"),
  H2("H2", "h2",
      "MERGE INTO airlock_kill_switch (scope, reason, engaged_by, engaged_at) KEY (scope)"
          + " VALUES (?, ?, ?, ?)");

  /** The SQLSTATE both databases report for a duplicate primary key. */
  static final String DUPLICATE_KEY = "23505";

  private final String productName;
  private final String folder;
  private final String engageSql;

  StoreDialect(String productName, String folder, String engageSql) {
    this.productName = productName;
    this.folder = folder;
    this.engageSql = engageSql;
  }

  /**
   * The dialect of a database, by the product name its driver reports.
   *
   * @throws IllegalArgumentException if it is neither PostgreSQL nor H2
   */
  static StoreDialect of(String productName) {
    for (StoreDialect dialect : values()) {
      if (dialect.productName.equalsIgnoreCase(productName)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("JdbcApprovalStore supports "
        + Arrays.stream(values()).map(d -> d.productName).collect(Collectors.joining(" and "))
        + ", but the data source is " + productName
        + "; keep approvals in one of those, or implement ApprovalStore for this database");
  }

  /** The database's name as its driver reports it, e.g. {@code PostgreSQL}. */
  String productName() {
    return productName;
  }

  /** The class-path resource of one schema script for this database. */
  String schemaResource(String script) {
    return "dev/airlock/approval/schema/" + folder + "/" + script;
  }

  /** Inserts or replaces the kill switch row of one scope: scope, reason, by, at. */
  String engageSql() {
    return engageSql;
  }
}
