package dev.airlock;

/**
 * Thrown by {@link Airlock#execute(ToolCall, ToolAction)} when an allowed tool itself failed with
 * a checked exception; the cause is the tool's own exception, already recorded in the audit log.
 * Unchecked exceptions from the tool are rethrown as they are.
 *
 * <p>Immutable and thread-safe.
 */
public final class ToolExecutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param tool the tool's name
   * @param cause what the tool threw
   * @throws NullPointerException if an argument is null
   */
  public ToolExecutionException(String tool, Throwable cause) {
    super("Tool '" + Checks.notNull(tool, "tool") + "' failed: "
        + Checks.notNull(cause, "cause"), cause);
  }
}
