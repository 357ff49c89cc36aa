package dev.airlock;

/**
 * The work behind a tool that wants to know what Airlock allowed: the decision, the row ceiling a
 * write must stay within, and a place to record what it did. See {@link
 * Airlock#execute(ToolCall, RowCounter, GuardedAction)}.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface GuardedAction<T> {

  /**
   * Runs the work of an allowed call.
   *
   * @param execution the allowed call's execution: its decision, ceiling and record
   * @return the work's result
   * @throws Exception whatever the work throws; Airlock records it and rethrows it, a checked one
   *     wrapped in {@link ToolExecutionException}
   */
  T run(Execution execution) throws Exception;
}
