package dev.airlock;

import java.util.Set;

/**
 * A tool as the application registered it: its declared effect and the environments it is bound
 * to (empty: any declared environment); for a SQL tool, the argument that carries its SQL (null for
 * other tools), whose analysed effect decides, the declared effect being only a floor.
 */
record ToolSpec(String name, Effect effect, Set<String> environments, String sqlArgument) {
  /** The argument in which a SQL tool's call may carry its bind parameters, as a list. */
  static final String PARAMETERS_ARGUMENT = "parameters";

  ToolSpec {
    environments = Set.copyOf(environments);
  }

  boolean isSql() {
    return sqlArgument != null;
  }

  boolean isBoundTo(String environment) {
    return environments.isEmpty() || environments.contains(environment);
  }
}
