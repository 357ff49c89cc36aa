package dev.airlock.policy;

import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.sql.SqlAnalysis;
import java.util.Objects;
import java.util.Optional;

/**
 * What Airlock knows about a call when its policies vote, beyond the {@link dev.airlock.ToolCall}
 * itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param environment the declared environment the call is bound to
 * @param effect the call's effect: the tool's declared effect, or {@link Effect#UNKNOWN} for a tool
 *     that declared none; for a SQL tool the more severe of that and the analysed effect
 * @param sql for a SQL tool, the analysis of the statement it carries; empty for other tools
 */
public record PolicyContext(Environment environment, Effect effect, Optional<SqlAnalysis> sql) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   */
  public PolicyContext {
    Objects.requireNonNull(environment, "environment must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
    Objects.requireNonNull(sql, "sql must not be null");
  }

  /**
   * The context of a call that carries no SQL.
   *
   * @throws NullPointerException if an argument is null
   */
  public PolicyContext(Environment environment, Effect effect) {
    this(environment, effect, Optional.empty());
  }
}
