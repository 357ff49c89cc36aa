package dev.airlock.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One SQL text an agent (or an application on its behalf) asks a {@link GuardedDataSource} to run:
 * the exact text, its JDBC bind parameters, and who asks. Immutable.
 *
 * <pre>{@code
 * SqlCall call = SqlCall.of("report-bot", "SELECT * FROM orders WHERE id = ?", 42)
 *     .withSession("conversation-7")
 *     .withReason("the user asked for order 42");
 * }</pre>
 *
 * @param agent the agent's principal, e.g. {@code "report-bot"}
 * @param sql the exact text; analysed and hashed byte for byte
 * @param parameters the bind parameters of its {@code ?} placeholders, in order: strings,
 *     numbers, booleans or null (an element may be null; other types are refused)
 * @param session the conversation or session, or null
 * @param reason the agent's stated reason, or null
 */
public record SqlCall(
    String agent, String sql, List<Object> parameters, String session, String reason) {

  /**
   * Validates the components and copies the parameters.
   *
   * @throws NullPointerException if {@code agent}, {@code sql} or {@code parameters} is null
   * @throws IllegalArgumentException if {@code agent} is blank
   */
  public SqlCall {
    Objects.requireNonNull(agent, "agent must not be null");
    if (agent.isBlank()) {
      throw new IllegalArgumentException("agent must not be blank");
    }
    Objects.requireNonNull(sql, "sql must not be null");
    parameters = Collections.unmodifiableList(
        new ArrayList<>(Objects.requireNonNull(parameters, "parameters must not be null")));
  }

  /**
   * A call with bind parameters and no session or reason.
   *
   * @param agent the agent's principal
   * @param sql the exact text
   * @param parameters the bind parameters, in order
   * @return the call
   * @throws NullPointerException if {@code agent}, {@code sql} or the array is null
   * @throws IllegalArgumentException if {@code agent} is blank
   */
  public static SqlCall of(String agent, String sql, Object... parameters) {
    Objects.requireNonNull(parameters, "parameters must not be null");
    return new SqlCall(agent, sql, Arrays.asList(parameters), null, null);
  }

  /**
   * This call in a session.
   *
   * @param session the conversation or session
   * @return the copy
   */
  public SqlCall withSession(String session) {
    return new SqlCall(agent, sql, parameters, session, reason);
  }

  /**
   * This call with the agent's stated reason.
   *
   * @param reason why the agent runs it
   * @return the copy
   */
  public SqlCall withReason(String reason) {
    return new SqlCall(agent, sql, parameters, session, reason);
  }
}
