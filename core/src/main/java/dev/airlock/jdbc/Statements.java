package dev.airlock.jdbc;

import dev.airlock.sql.SqlDialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Binding parameters, reading results within caps, and telling what a database error means. */
final class Statements {
  /**
   * SQLSTATEs with which a database refuses a write on a read-only path. A permission error
   * (42501) is not among them: a SELECT-only user gets it for tables it may not read, too.
   */
  private static final Set<String> READ_ONLY_STATES = Set.of(
      "25006", // read_only_sql_transaction: PostgreSQL and hot standbys, MySQL/MariaDB 1792
      "90097"); // H2: the database is read only (ACCESS_MODE_DATA=r)
  private static final Set<Integer> MYSQL_READ_ONLY_CODES = Set.of(
      1792, // cannot execute statement in a READ ONLY transaction
      1290); // the server runs with --read-only

  private Statements() {}

  static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      Object value = parameters.get(i);
      if (value == null) {
        statement.setNull(i + 1, Types.NULL);
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }

  /**
   * Runs a statement made with {@code createStatement()} (no parameters) or {@code
   * prepareStatement(text)} (its parameters bound here).
   *
   * @return whether it returned a result set
   */
  static boolean execute(java.sql.Statement statement, String text, List<Object> parameters)
      throws SQLException {
    if (statement instanceof PreparedStatement prepared) {
      bind(prepared, parameters);
      return prepared.execute();
    }
    return statement.execute(text);
  }

  /** The first line of a driver's message, at most {@code max} characters. */
  static String firstLine(String message, int max) {
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > max ? line.substring(0, max - 3) + "..." : line;
  }

  /** The update count, from drivers with or without the long form. */
  static long updateCount(java.sql.Statement statement) throws SQLException {
    try {
      return statement.getLargeUpdateCount();
    } catch (UnsupportedOperationException | java.sql.SQLFeatureNotSupportedException e) {
      return statement.getUpdateCount();
    }
  }

  /** Whether the database refused the statement as a write where only reads may run. */
  static boolean isReadOnlyViolation(SQLException e, SqlDialect dialect) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        if (sql.getSQLState() != null && READ_ONLY_STATES.contains(sql.getSQLState())) {
          return true;
        }
        if (dialect == SqlDialect.MYSQL && MYSQL_READ_ONLY_CODES.contains(sql.getErrorCode())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the database cancelled the statement for running past its timeout. */
  static boolean isTimeout(SQLException e) {
    return e instanceof java.sql.SQLTimeoutException || "57014".equals(e.getSQLState())
        || "HYT00".equals(e.getSQLState()) || e.getErrorCode() == 1969 || e.getErrorCode() == 3024;
  }

  /** Rows and columns of a result, at most {@code maxRows} rows kept; all rows counted. */
  record Table(List<String> columns, List<List<String>> rows, long rowCount) {}

  static Table read(ResultSet rs, int maxRows, int maxCellChars, Redactor redactor, boolean all)
      throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int n = meta.getColumnCount();
    List<String> columns = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      columns.add(meta.getColumnLabel(i));
    }
    List<List<String>> rows = new ArrayList<>();
    long count = 0;
    while (rs.next()) {
      count++;
      if (rows.size() < maxRows) {
        List<String> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(cell(redactor.redact(columns.get(i - 1), rs.getString(i)), maxCellChars));
        }
        rows.add(row);
      } else if (!all) {
        break;
      }
    }
    return new Table(columns, rows, count);
  }

  private static String cell(String value, int maxCellChars) {
    if (value == null || value.length() <= maxCellChars) {
      return value;
    }
    return value.substring(0, maxCellChars) + "… (" + value.length() + " characters)";
  }
}
