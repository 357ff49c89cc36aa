package dev.airlock.jdbc;

import dev.airlock.ToolCallRefusedException;
import dev.airlock.ToolExecutionException;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * The ready-made SQL tool that adapters hand to an agent: {@link #query(String)} for reads and
 * {@link #execute(String)} for anything Airlock allows, each returning text a model can read — the
 * column names and rows (capped, each cell capped in size) with a line saying when the result was
 * truncated, the rows a write changed, or the refusal in Airlock's one format. It never throws for
 * a refusal or a database error: the model reads what happened instead of inventing it.
 *
 * <pre>{@code
 * SqlTool tool = SqlTool.of(guardedDataSource, "report-bot");
 * String text = tool.query("SELECT id, name FROM executives ORDER BY id LIMIT 5");
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SqlTool {
  private final GuardedDataSource data;
  private final String agent;
  private final String session;

  private SqlTool(GuardedDataSource data, String agent, String session) {
    this.data = data;
    this.agent = agent;
    this.session = session;
  }

  /**
   * The tool for one agent.
   *
   * @param data the guarded data source
   * @param agent the agent's principal, e.g. {@code "report-bot"}
   * @return the tool
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code agent} is blank
   */
  public static SqlTool of(GuardedDataSource data, String agent) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(agent, "agent");
    if (agent.isBlank()) {
      throw new IllegalArgumentException("agent must not be blank");
    }
    return new SqlTool(data, agent, null);
  }

  /**
   * This tool within a session, which the audit log records with each call.
   *
   * @param session the conversation or session
   * @return the copy
   */
  public SqlTool inSession(String session) {
    return new SqlTool(data, agent, session);
  }

  /**
   * Runs SQL that only reads; anything else is refused.
   *
   * @param sql the SQL
   * @return the result or the refusal, as text
   */
  public String query(String sql) {
    return run(sql, true);
  }

  /**
   * Runs SQL as Airlock allows it: a write may need a person's approval, and one that changes
   * more rows than allowed is rolled back.
   *
   * @param sql the SQL
   * @return the result or the refusal, as text
   */
  public String execute(String sql) {
    return run(sql, false);
  }

  private String run(String sql, boolean readOnly) {
    if (sql == null) {
      return "No SQL was given: send the statement as the tool's argument.";
    }
    SqlCall call = new SqlCall(agent, sql, List.of(), session, null);
    try {
      List<SqlResult> results = readOnly ? data.query(call) : data.execute(call);
      return format(results);
    } catch (ToolCallRefusedException e) {
      return e.modelMessage();
    } catch (ToolExecutionException e) {
      return databaseError(e.getCause());
    } catch (RuntimeException e) {
      return "The statement could not be run: " + e.getClass().getSimpleName()
          + (e.getMessage() != null ? ": " + firstLine(e.getMessage()) : "");
    }
  }

  /**
   * The text a model reads for some results.
   *
   * @param results the results, one per statement
   * @return the text
   */
  public static String format(List<SqlResult> results) {
    StringBuilder out = new StringBuilder();
    for (SqlResult result : results) {
      if (out.length() > 0) {
        out.append('\n');
      }
      if (result.columns().isEmpty()) {
        out.append(result.rowsChanged().isPresent()
            ? "OK: " + result.rowsChanged().getAsLong() + " row(s) changed."
            : "OK: the statement ran and returned no rows.");
        out.append('\n');
        continue;
      }
      out.append(String.join(" | ", result.columns())).append('\n');
      for (List<String> row : result.rows()) {
        for (int i = 0; i < row.size(); i++) {
          if (i > 0) {
            out.append(" | ");
          }
          String cell = row.get(i);
          out.append(cell == null ? "NULL" : cell.replace("\n", "\\n").replace("|", "\\|"));
        }
        out.append('\n');
      }
      int n = result.rows().size();
      if (result.truncated()) {
        out.append("(").append(n).append(" rows shown; the result has more and was truncated at ")
            .append(n).append(" rows: narrow the query or add a LIMIT)");
      } else {
        out.append("(").append(n).append(n == 1 ? " row)" : " rows)");
      }
      result.rowsChanged().ifPresent(c -> out.append(" ").append(c).append(" row(s) changed."));
      out.append('\n');
    }
    return out.toString();
  }

  private static String databaseError(Throwable cause) {
    if (cause instanceof SQLException e) {
      return "The database could not run the statement: " + firstLine(e.getMessage())
          + (e.getSQLState() != null ? " (SQLSTATE " + e.getSQLState() + ")" : "")
          + ". Nothing was changed.";
    }
    return "The statement could not be run: "
        + (cause == null ? "unknown error" : cause.getClass().getSimpleName());
  }

  private static String firstLine(String message) {
    return message == null ? "no message" : Statements.firstLine(message, 300);
  }
}
