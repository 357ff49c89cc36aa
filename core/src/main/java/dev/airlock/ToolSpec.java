package dev.airlock;

import java.util.Set;

/**
 * A tool as the application registered it: its declared effect and the environments it is bound
 * to (empty: any declared environment).
 */
record ToolSpec(String name, Effect effect, Set<String> environments) {
  ToolSpec {
    environments = Set.copyOf(environments);
  }

  boolean isBoundTo(String environment) {
    return environments.isEmpty() || environments.contains(environment);
  }
}
