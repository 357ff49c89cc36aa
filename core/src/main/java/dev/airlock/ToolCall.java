package dev.airlock;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One call an agent makes to a tool, as an adapter hands it to {@link Airlock}.
 *
 * <p>The {@code environment} is where the application bound the tool (or its data source), never
 * a value the model chose: a call whose environment is not one its tool is bound to is denied
 * ({@link ReasonCode#ENVIRONMENT_MISMATCH}), so an agent cannot pick a development database to
 * escape production's rules.
 *
 * <p>The arguments are a deep, unmodifiable copy of JSON-like values (maps with string keys,
 * lists, strings, numbers, booleans and {@code null}); JSON {@code null}s are kept. Instances are
 * immutable and thread-safe.
 *
 * <pre>{@code
 * ToolCall call = ToolCall.builder("run_sql")
 *     .argument("sql", "DELETE FROM executives WHERE id = 7")
 *     .environment("orders-db")
 *     .agent("cleanup-bot")
 *     .session("chat-42")
 *     .build();
 * }</pre>
 *
 * @param callId unique id of this call, a random UUID unless the adapter has one
 * @param tool the tool's name, e.g. {@code "run_sql"}
 * @param arguments the tool's arguments, deep-copied and unmodifiable
 * @param environment the name of the environment the tool is bound to
 * @param agent the agent's principal, e.g. {@code "cleanup-bot"}
 * @param sessionId the conversation or session the call belongs to, or {@code null}
 * @param reason the agent's stated reason for the call, or {@code null} when it gave none
 */
public record ToolCall(
    String callId,
    String tool,
    Map<String, Object> arguments,
    String environment,
    String agent,
    String sessionId,
    String reason) {

  /**
   * Validates the components and deep-copies the arguments.
   *
   * @throws NullPointerException if {@code callId}, {@code tool}, {@code arguments}, {@code
   *     environment} or {@code agent} is null
   * @throws IllegalArgumentException if a name is blank, or an argument is not a JSON-like value
   */
  public ToolCall {
    Checks.notBlank(callId, "callId");
    Checks.notBlank(tool, "tool");
    arguments = JsonValues.copyObject(arguments, "arguments");
    Checks.notBlank(environment, "environment");
    Checks.notBlank(agent, "agent");
    Checks.nullOrNotBlank(sessionId, "sessionId");
  }

  /**
   * Starts a call to the named tool.
   *
   * @param tool the tool's name
   * @return a new builder
   * @throws NullPointerException if {@code tool} is null
   * @throws IllegalArgumentException if {@code tool} is blank
   */
  public static Builder builder(String tool) {
    return new Builder(Checks.notBlank(tool, "tool"));
  }

  /**
   * Builds a {@link ToolCall}. Not thread-safe; {@link #build()} copies its state, so a builder
   * can be reused.
   */
  public static final class Builder {
    private final String tool;
    private final Map<String, Object> arguments = new LinkedHashMap<>();
    private String callId;
    private String environment;
    private String agent;
    private String sessionId;
    private String reason;

    private Builder(String tool) {
      this.tool = tool;
    }

    /**
     * Sets the call's id; by default each built call gets a random UUID.
     *
     * @param callId the id
     * @return this builder
     * @throws NullPointerException if {@code callId} is null
     * @throws IllegalArgumentException if {@code callId} is blank
     */
    public Builder callId(String callId) {
      this.callId = Checks.notBlank(callId, "callId");
      return this;
    }

    /**
     * Adds one argument; a {@code null} value is kept as JSON {@code null}.
     *
     * @param name the argument's name
     * @param value a JSON-like value
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder argument(String name, Object value) {
      arguments.put(Checks.notNull(name, "name"), value);
      return this;
    }

    /**
     * Adds every argument of the map.
     *
     * @param arguments JSON-like values by name
     * @return this builder
     * @throws NullPointerException if {@code arguments} is null
     */
    public Builder arguments(Map<String, ?> arguments) {
      this.arguments.putAll(Checks.notNull(arguments, "arguments"));
      return this;
    }

    /**
     * Sets the environment the tool is bound to (from the application, never from the model).
     *
     * @param environment the environment's name
     * @return this builder
     * @throws NullPointerException if {@code environment} is null
     * @throws IllegalArgumentException if {@code environment} is blank
     */
    public Builder environment(String environment) {
      this.environment = Checks.notBlank(environment, "environment");
      return this;
    }

    /**
     * Sets the agent's principal.
     *
     * @param agent the agent's principal
     * @return this builder
     * @throws NullPointerException if {@code agent} is null
     * @throws IllegalArgumentException if {@code agent} is blank
     */
    public Builder agent(String agent) {
      this.agent = Checks.notBlank(agent, "agent");
      return this;
    }

    /**
     * Sets the session or conversation id.
     *
     * @param sessionId the session id, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if {@code sessionId} is blank
     */
    public Builder session(String sessionId) {
      this.sessionId = Checks.nullOrNotBlank(sessionId, "sessionId");
      return this;
    }

    /**
     * Sets the agent's stated reason for the call.
     *
     * @param reason the reason, or {@code null} for none
     * @return this builder
     */
    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    /**
     * Builds the call.
     *
     * @return the call
     * @throws NullPointerException if no environment or agent was set
     * @throws IllegalArgumentException if an argument is not a JSON-like value
     */
    public ToolCall build() {
      return new ToolCall(
          callId != null ? callId : UUID.randomUUID().toString(),
          tool,
          arguments,
          environment,
          agent,
          sessionId,
          reason);
    }
  }
}
