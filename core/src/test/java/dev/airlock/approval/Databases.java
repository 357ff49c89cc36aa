package dev.airlock.approval;

import dev.airlock.jdbc.Postgres;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Fresh databases for the store's tests, and a data source that can be made to fail. */
final class Databases {
  private Databases() {}

  /** A new, empty database on the embedded PostgreSQL 14, as the user that owns it. */
  static DataSource postgres() {
    return Postgres.as("airlock_writer", Postgres.newDatabase());
  }

  /** A new, empty H2 database in memory, kept until the JVM ends. */
  static DataSource h2() {
    JdbcDataSource data = new JdbcDataSource();
    data.setURL("jdbc:h2:mem:airlock-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return data;
  }

  /** Empties the store's tables, keeping the schema. */
  static void clear(DataSource data) {
    Postgres.run(data, "DELETE FROM airlock_approvals", "DELETE FROM airlock_staging_runs",
        "DELETE FROM airlock_kill_switch");
  }

  /** A data source that passes every call on, or refuses every connection while failing. */
  static final class Switchable extends Delegating {
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile boolean failing;

    Switchable(DataSource target) {
      super(target);
    }

    void fail(boolean failing) {
      this.failing = failing;
    }

    /** How many connections were asked for. */
    int attempts() {
      return attempts.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
      attempts.incrementAndGet();
      if (failing) {
        throw new SQLException("connection refused (test)", "08001");
      }
      return target.getConnection();
    }
  }

  /**
   * A minimal pool: a closed connection goes back to be handed out again, so that racing threads
   * reach the database within microseconds of each other instead of after a connection's setup.
   */
  static final class Pooled extends Delegating {
    private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();

    Pooled(DataSource target) {
      super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection physical = idle.poll();
      Connection connection = physical != null ? physical : target.getConnection();
      AtomicBoolean closed = new AtomicBoolean();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            if (method.getName().equals("close")) {
              if (closed.compareAndSet(false, true)) {
                idle.add(connection);
              }
              return null;
            }
            if (method.getName().equals("isClosed")) {
              return closed.get();
            }
            try {
              return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }

  /** Passes everything but {@link #getConnection()} on. */
  abstract static class Delegating implements DataSource {
    final DataSource target;

    Delegating(DataSource target) {
      this.target = target;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("the store never passes credentials");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
