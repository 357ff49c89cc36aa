package dev.airlock.policy;

import dev.airlock.ReasonCode;
import dev.airlock.ToolCall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The policy that says which agents may call which tools on which environments; whatever it does
 * not list is denied ({@code NOT_ALLOWLISTED}).
 *
 * <pre>{@code
 * // support-bot may run SQL on the replica and on staging, and nothing on production
 * EnvironmentAllowlist allowlist = EnvironmentAllowlist.builder()
 *     .allow("support-bot", "run_sql", "orders-replica", "orders-staging")
 *     .allow(EnvironmentAllowlist.ANY, "search_docs", "orders-db")
 *     .build();
 * }</pre>
 *
 * <p>An allowed call still goes through every other policy: the allowlist only says that the
 * agent may try. Instances are immutable and thread-safe.
 */
public final class EnvironmentAllowlist implements Policy {
  /** Matches any agent or any tool in {@link Builder#allow(String, String, String...)}. */
  public static final String ANY = "*";

  private final List<Entry> entries;

  private record Entry(String agent, String tool, Set<String> environments) {
    boolean matches(ToolCall call) {
      return (agent.equals(ANY) || agent.equals(call.agent()))
          && (tool.equals(ANY) || tool.equals(call.tool()))
          && environments.contains(call.environment());
    }
  }

  private EnvironmentAllowlist(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * Starts an empty allowlist, which denies everything until entries are added.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Vote vote(ToolCall call, PolicyContext context) {
    for (Entry entry : entries) {
      if (entry.matches(call)) {
        return Vote.allow(
            ReasonCode.ALLOWLISTED,
            "agent '" + call.agent() + "' may call '" + call.tool() + "' on '"
                + call.environment() + "'");
      }
    }
    return Vote.deny(
        ReasonCode.NOT_ALLOWLISTED,
        "agent '" + call.agent() + "' may not call '" + call.tool() + "' on '"
            + call.environment() + "'");
  }

  @Override
  public String name() {
    return "environment-allowlist";
  }

  /**
   * Builds an {@link EnvironmentAllowlist}. Not thread-safe; {@link #build()} copies its state.
   */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /**
     * Lets an agent call a tool on the named environments.
     *
     * @param agent the agent's principal, or {@link #ANY}
     * @param tool the tool's name, or {@link #ANY}
     * @param environments the environments' names; at least one
     * @return this builder
     * @throws NullPointerException if an argument or an environment is null
     * @throws IllegalArgumentException if a name is blank or no environment is given
     */
    public Builder allow(String agent, String tool, String... environments) {
      Objects.requireNonNull(environments, "environments must not be null");
      if (environments.length == 0) {
        throw new IllegalArgumentException(
            "environments must name at least one environment for agent '" + agent + "'");
      }
      for (String environment : environments) {
        checkName(environment, "environment");
      }
      entries.add(new Entry(
          checkName(agent, "agent"), checkName(tool, "tool"), Set.copyOf(Arrays.asList(environments))));
      return this;
    }

    /**
     * Builds the allowlist.
     *
     * @return the allowlist
     */
    public EnvironmentAllowlist build() {
      return new EnvironmentAllowlist(List.copyOf(entries));
    }

    private static String checkName(String value, String name) {
      Objects.requireNonNull(value, name + " must not be null");
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
