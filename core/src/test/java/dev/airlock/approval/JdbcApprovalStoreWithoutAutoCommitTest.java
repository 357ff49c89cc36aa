package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import dev.airlock.KillSwitch;
import dev.airlock.ToolCall;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
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
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        Connection c = data.getConnection();
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
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
      }

      @Override
      public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> type) {
        return false;
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
