package dev.airlock;

/**
 * Runs a tool call again from nothing but its recorded form, for {@link Airlock#resume(String)}:
 * after a restart, the lambda that first carried the call is gone, but its {@link ToolCall} is
 * kept with its approval request. A handler usually sends the call back through the same guarded
 * path, so the approval's grant is checked and used there, e.g. a {@link
 * dev.airlock.jdbc.GuardedDataSource} registers one for its SQL tool. The handler must send the
 * call through {@link Airlock#execute} on the thread that calls it: there, and only there, the
 * call may use the grant of the request being resumed, and never makes a new request.
 *
 * <pre>{@code
 * airlock.registerHandler("refund_order", "orders-db",
 *     call -> airlock.execute(call, () -> payments.refund(call.arguments().get("order"))));
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ToolHandler {

  /**
   * Runs the call through Airlock again.
   *
   * @param call the call exactly as it was recorded
   * @return what the tool returned
   * @throws Exception if the tool failed
   */
  Object handle(ToolCall call) throws Exception;
}
