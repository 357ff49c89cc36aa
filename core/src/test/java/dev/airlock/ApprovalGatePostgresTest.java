package dev.airlock;

import dev.airlock.approval.ApprovalStore;
import dev.airlock.approval.JdbcApprovalStore;
import dev.airlock.jdbc.Postgres;

/**
 * The approval bypasses, on the JDBC store over a real PostgreSQL: one database for the class,
 * each test with an agent of its own; the racing instances each build a store of their own on it.
 */
class ApprovalGatePostgresTest extends ApprovalGateContract {
  private static final javax.sql.DataSource DATABASE =
      Postgres.as("airlock_writer", Postgres.newDatabase());
  private static final ApprovalStore STORE = JdbcApprovalStore.builder(DATABASE).build();

  @Override
  protected ApprovalStore store() {
    return STORE;
  }

  @Override
  protected ApprovalStore secondStore() {
    return JdbcApprovalStore.builder(DATABASE).build();
  }
}
