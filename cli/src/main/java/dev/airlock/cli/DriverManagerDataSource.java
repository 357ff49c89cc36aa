package dev.airlock.cli;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens a new connection through {@link DriverManager} each time, with
 * one URL, user and password: enough for one command, which opens a few connections at most. The
 * password is kept in memory only and never shown by {@link #toString()}.
 */
final class DriverManagerDataSource implements DataSource {
  private final String url;
  private final String user;
  private final String password;
  private PrintWriter logWriter;
  private int loginTimeout;

  /**
   * A data source for the URL.
   *
   * @param url the JDBC URL
   * @param user the user, or null to send none (the URL or the driver's default decides)
   * @param password the password, or null to send none
   */
  DriverManagerDataSource(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return connect(user, password);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return connect(username, password);
  }

  private Connection connect(String username, String secret) throws SQLException {
    Properties properties = new Properties();
    if (username != null) {
      properties.setProperty("user", username);
    }
    if (secret != null) {
      properties.setProperty("password", secret);
    }
    return DriverManager.getConnection(url, properties);
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging logger");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }

  @Override
  public String toString() {
    return "DriverManagerDataSource[" + (user != null ? "user " + user : "no user")
        + (password != null ? ", with a password" : "") + "]";
  }
}
