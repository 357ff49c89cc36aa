package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Effect;
import dev.airlock.StagingRun;
import dev.airlock.ToolCall;
import dev.airlock.jdbc.Postgres;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The approval store contract on one database, and what only the JDBC store does: refuse rows
 * changed outside Airlock, and turn every failure of the database into an {@link
 * ApprovalStoreException} that names what could not be done.
 */
abstract class JdbcApprovalStoreContract extends ApprovalStoreContract {

  /** The database of the test class, with the schema applied or not. */
  abstract DataSource dataSource();

  /** How the store names its database, e.g. {@code PostgreSQL}. */
  abstract String productName();

  @Override
  ApprovalStore newStore() {
    JdbcApprovalStore built = JdbcApprovalStore.builder(dataSource()).build();
    Databases.clear(dataSource());
    return built;
  }

  @Test
  void toStringNamesTheDatabaseAndJdbc() {
    assertThat(store).hasToString("JdbcApprovalStore[" + productName() + "]");
  }

  @Test
  void aRecordWhoseHashIsNotItsCallsIsRefused() {
    ToolCall call = call("DELETE FROM orders WHERE id = 7");
    ApprovalRecord forged = new ApprovalRecord("r1", ApprovalGrant.bindingHash(
        call("DELETE FROM orders WHERE id = 8")), call, Effect.DESTRUCTIVE, null,
        ApprovalStatus.PENDING, T0, T0.plus(TTL), null, null, null, null, null);

    assertThatIllegalArgumentException().isThrownBy(() -> store.create(forged))
        .withMessageContaining("bindingHash");
    assertThat(store.find("r1")).isEmpty();
  }

  @Test
  void aCallChangedOutsideAirlockIsNeverReturned() {
    ApprovalRecord asked = ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    approve("r1", T0.plusSeconds(1));
    Postgres.run(dataSource(), "UPDATE airlock_approvals SET call_json ="
        + " REPLACE(call_json, 'id = 7', 'id > 0') WHERE request_id = 'r1'");

    assertThatThrownBy(() -> store.find("r1")).isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining("r1").hasMessageContaining("binding hash");
    assertThatThrownBy(() -> store.findOpen(asked.bindingHash(), T0.plusSeconds(2)))
        .isInstanceOf(ApprovalStoreException.class);
  }

  @Test
  void aStatusUnknownToAirlockIsRefused() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    Postgres.run(dataSource(), "UPDATE airlock_approvals SET status = 'MAYBE'");

    assertThatThrownBy(() -> store.find("r1")).isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining("r1").hasMessageContaining("changed outside Airlock");
  }

  @Test
  void anUnreachableDatabaseFailsEveryMethodNamingWhatFailed() {
    Databases.Switchable flaky = new Databases.Switchable(dataSource());
    ApprovalStore broken = JdbcApprovalStore.builder(flaky).build();
    flaky.fail(true);
    String id = "request-secret-42";
    ToolCall call = call("DELETE FROM secret_table");
    StagingRun run = new StagingRun("a".repeat(64), "orders-staging", "orders-db", 1, T0, "c",
        "bot");

    List<ThrowingCallable> calls = List.of(
        () -> broken.create(pending(id, call, T0)),
        () -> broken.find(id),
        () -> broken.findOpen(ApprovalGrant.bindingHash(call), T0),
        () -> broken.pending(T0),
        () -> broken.decide(id, ApprovalDecision.approve("alice", null), null, T0, T0),
        () -> broken.use(id, T0),
        () -> broken.expire(T0),
        () -> broken.recordStagingRun(run),
        () -> broken.lastStagingRun("orders-staging", "a".repeat(64), T0));
    for (ThrowingCallable c : calls) {
      assertThatThrownBy(c)
          .isInstanceOf(ApprovalStoreException.class)
          .hasMessageStartingWith("JdbcApprovalStore[" + productName() + "] could not ")
          .hasMessageContaining("SQLSTATE 08001")
          .hasMessageNotContaining("secret")
          .hasCauseInstanceOf(SQLException.class);
    }
    assertThat(flaky.attempts()).isGreaterThan(calls.size());
  }
}
