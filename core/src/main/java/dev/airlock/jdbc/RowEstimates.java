package dev.airlock.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.RowEstimate;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import dev.airlock.sql.StatementInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Estimates the rows one write would touch: the dialect's plan estimate ({@code EXPLAIN}) and,
 * for a single-table UPDATE or DELETE, the exact count of the rows its predicate selects. Each
 * question runs in a read-only transaction of its own with the statement timeout, so that one
 * failing (a permission, a timeout) does not spoil the others.
 */
final class RowEstimates {
  /** Work on a connection inside a read-only transaction that is rolled back afterwards. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs work inside a read-only transaction. */
  @FunctionalInterface
  interface ReadOnly {
    <T> T run(Work<T> work) throws SQLException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> POSTGRES_PLANNED =
      Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "SELECT", "WITH", "VALUES", "TABLE");
  private static final Set<String> MYSQL_PLANNED =
      Set.of("INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH");
  private static final Set<String> COUNTED = Set.of("UPDATE", "DELETE");

  private RowEstimates() {}

  /** Whether the statement changes rows one by one, so that counting them means something. */
  static boolean appliesTo(SqlDialect dialect, StatementInfo info) {
    String kind = info.kind();
    return switch (dialect) {
      case POSTGRESQL -> POSTGRES_PLANNED.contains(kind);
      case MYSQL -> MYSQL_PLANNED.contains(kind);
      case H2 -> COUNTED.contains(kind) || kind.equals("INSERT") || kind.equals("MERGE");
    };
  }

  static RowEstimate estimate(ReadOnly readOnly, SqlAnalyzer analyzer, StatementInfo info,
      String statement, List<Object> parameters, int timeoutSeconds) {
    SqlDialect dialect = analyzer.dialect();
    List<String> notes = new ArrayList<>();
    Long planned = null;
    Long exact = null;
    if (dialect != SqlDialect.H2) {
      try {
        planned = readOnly.run(c -> planned(c, dialect, statement, parameters, timeoutSeconds));
      } catch (SQLException | RuntimeException e) {
        notes.add("the plan estimate failed (" + describe(e) + ")");
      }
    }
    if (COUNTED.contains(info.kind())) {
      var count = analyzer.countQuery(statement, parameters);
      if (count.isPresent()) {
        try {
          exact = readOnly.run(c -> count(c, count.get(), timeoutSeconds));
        } catch (SQLException | RuntimeException e) {
          notes.add("the exact count failed (" + describe(e) + ")");
        }
      } else {
        notes.add("not counted exactly: only a single-table UPDATE or DELETE is");
      }
      notes.addAll(unseen(readOnly, dialect, info));
    } else if (dialect == SqlDialect.H2) {
      notes.add("H2 gives no plan estimate, and only UPDATE and DELETE are counted exactly");
    }
    return new RowEstimate(planned, exact, notes);
  }

  private static Long planned(Connection c, SqlDialect dialect, String statement,
      List<Object> parameters, int timeoutSeconds) throws SQLException {
    String explain = (dialect == SqlDialect.POSTGRESQL ? "EXPLAIN (FORMAT JSON) "
        : "EXPLAIN FORMAT=JSON ") + statement;
    try (Statement s = parameters.isEmpty() ? c.createStatement() : c.prepareStatement(explain)) {
      s.setQueryTimeout(timeoutSeconds);
      if (!Statements.execute(s, explain, parameters)) {
        return null;
      }
      try (ResultSet rs = s.getResultSet()) {
        if (!rs.next()) {
          return null;
        }
        JsonNode plan = readJson(rs.getString(1));
        return dialect == SqlDialect.POSTGRESQL ? postgresRows(plan) : mysqlRows(plan);
      }
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the plan is not JSON", e);
    }
  }

  /**
   * The rows of the plan's top node, or, when the plan modifies tables (also in a WITH clause),
   * the rows fed into every ModifyTable node anywhere in it, summed.
   */
  private static Long postgresRows(JsonNode plans) {
    JsonNode plan = plans.path(0).path("Plan");
    if (plan.isMissingNode()) {
      return null;
    }
    long[] modified = {0};
    modifiedRows(plan, modified);
    return Math.max(plan.path("Plan Rows").asLong(0), modified[0]);
  }

  private static void modifiedRows(JsonNode plan, long[] sum) {
    if ("ModifyTable".equals(plan.path("Node Type").asText())) {
      for (JsonNode child : plan.path("Plans")) {
        sum[0] += child.path("Plan Rows").asLong(0);
      }
    }
    for (JsonNode child : plan.path("Plans")) {
      modifiedRows(child, sum);
    }
  }

  /** The largest row figure anywhere in a MySQL or MariaDB JSON plan. */
  private static Long mysqlRows(JsonNode plan) {
    long[] max = {-1};
    visit(plan, max);
    return max[0] < 0 ? null : max[0];
  }

  private static void visit(JsonNode node, long[] max) {
    if (node.isArray()) {
      node.forEach(element -> visit(element, max));
      return;
    }
    node.fields().forEachRemaining(field -> {
      String name = field.getKey();
      JsonNode value = field.getValue();
      boolean rows = name.equals("rows") || name.equals("rows_examined_per_scan");
      if (rows && (value.canConvertToLong()
          || value.isTextual() && value.asText().matches("\\d{1,18}"))) {
        max[0] = Math.max(max[0], value.asLong());
      } else if (value.isContainerNode()) {
        visit(value, max);
      }
    });
  }

  private static long count(Connection c, String countQuery, int timeoutSeconds)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = s.executeQuery(countQuery)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** What the update count will not show: cascaded deletes and triggers. */
  private static List<String> unseen(ReadOnly readOnly, SqlDialect dialect, StatementInfo info) {
    if (dialect != SqlDialect.POSTGRESQL || info.tablesWritten().size() != 1) {
      return List.of("rows removed by ON DELETE CASCADE or changed by triggers are not counted");
    }
    String table = info.tablesWritten().iterator().next();
    boolean delete = info.kind().equals("DELETE");
    try {
      return readOnly.run(c -> unseen(c, table, delete));
    } catch (SQLException e) {
      return List.of("cascades and triggers could not be checked (" + describe(e) + ")");
    }
  }

  private static List<String> unseen(Connection c, String table, boolean delete)
      throws SQLException {
    List<String> notes = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT c.conrelid::regclass::text FROM"
        + " pg_constraint c WHERE c.contype = 'f' AND c.confrelid = to_regclass(?) AND"
        + (delete ? " c.confdeltype" : " c.confupdtype") + " IN ('c', 'n', 'd') ORDER BY 1")) {
      s.setString(1, regclassName(table));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          notes.add("rows of " + rs.getString(1) + " changed by ON " + (delete ? "DELETE" : "UPDATE")
              + " CASCADE/SET NULL/SET DEFAULT are not counted");
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("SELECT tgname FROM pg_trigger WHERE tgrelid ="
        + " to_regclass(?) AND NOT tgisinternal ORDER BY 1")) {
      s.setString(1, regclassName(table));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          notes.add("rows changed by trigger " + rs.getString(1) + " are not counted");
        }
      }
    }
    return notes;
  }

  /** A table name as the analysis reports it (folded unless quoted), for {@code to_regclass}. */
  private static String regclassName(String table) {
    StringBuilder name = new StringBuilder();
    for (String part : table.split("\\.", -1)) {
      if (name.length() > 0) {
        name.append('.');
      }
      boolean plain = part.equals(part.toLowerCase(Locale.ROOT)) && part.matches("[a-z_][a-z0-9_$]*");
      name.append(plain ? part : '"' + part.replace("\"", "\"\"") + '"');
    }
    return name.toString();
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName()
        : Statements.firstLine(e.getMessage(), 200);
  }
}
