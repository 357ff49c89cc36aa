package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import dev.airlock.KillSwitch;
import dev.airlock.ToolCall;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A pool that hands out connections with auto-commit off (HikariCP with {@code autoCommit=false},
 * many JPA setups) rolls back what is not committed when a connection goes back: the store must
 * commit every change itself, or a used grant comes back and an engaged kill switch is lost.
 */
class JdbcApprovalStoreWithoutAutoCommitTest {
  private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

  /** Every connection starts with auto-commit off and rolls back whatever is open on close. */
  private static DataSource withoutAutoCommit(DataSource data) {
    return new Databases.Delegating(data) {
      @Override
      public Connection getConnection() throws SQLException {
        Connection c = target.getConnection();
        c.setAutoCommit(false);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                if (!c.getAutoCommit()) {
                  c.rollback();
                }
                c.close();
                return null;
              }
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }
    };
  }

  @Test
  void aGrantIsUsedOnceAndAnEngagementHoldsOnAPoolWithoutAutoCommit() {
    DataSource data = withoutAutoCommit(Databases.h2());
    JdbcApprovalStore store = JdbcApprovalStore.builder(data)
        .killSwitchStaleness(Duration.ZERO).build();
    ToolCall call = ToolCall.builder("sql").argument("sql", "DELETE FROM t WHERE id = 1")
        .environment("prod").agent("bot").build();
    store.create(ApprovalRecord.pending("r1", call, Effect.WRITE, 1L, NOW,
        NOW.plus(Duration.ofHours(1))));
    store.decide("r1", ApprovalDecision.approve("alice", null), 1L, NOW,
        NOW.plus(Duration.ofMinutes(15)));

    assertThat(store.use("r1", NOW)).isTrue();
    assertThat(store.use("r1", NOW)).isFalse();

    KillSwitch killSwitch = store.killSwitch();
    killSwitch.engageForAgent("bot", "test", "oncall");
    assertThat(killSwitch.engagementFor("bot")).isPresent();
    KillSwitch other = JdbcApprovalStore.builder(data).killSwitchStaleness(Duration.ZERO).build()
        .killSwitch();
    assertThat(other.engagementFor("bot")).isPresent();
  }
}
