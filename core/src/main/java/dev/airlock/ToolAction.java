package dev.airlock;

/**
 * The work behind a tool, which {@link Airlock#execute(ToolCall, ToolAction)} runs only once the
 * call is allowed.
 *
 * <p>Airlock runs it at most once, on the thread that called {@code execute}.
 *
 * @param <T> what the tool returns
 */
@FunctionalInterface
public interface ToolAction<T> {
  /**
   * Runs the tool.
   *
   * @return the tool's result
   * @throws Exception whatever the tool throws; Airlock records it and rethrows it unchecked
   */
  T run() throws Exception;
}
