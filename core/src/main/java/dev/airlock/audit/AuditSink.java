package dev.airlock.audit;

/**
 * Where Airlock records what happened, before the next step proceeds.
 *
 * <p>{@link #append(AuditEvent)} returns only once the event is recorded as durably as the sink
 * promises; when it cannot record, it throws {@link AuditException}, and Airlock then refuses the
 * call ({@code AUDIT_UNAVAILABLE}): nothing runs that cannot be recorded. Implementations must be
 * safe for concurrent use.
 */
public interface AuditSink extends AutoCloseable {

  /**
   * Records one event.
   *
   * @param event the event
   * @throws AuditException if the event could not be recorded
   * @throws NullPointerException if {@code event} is null
   */
  void append(AuditEvent event);

  /**
   * Releases the sink's resources (file handles, locks). Appending after close throws {@link
   * AuditException}.
   *
   * @throws AuditException if the sink could not be closed cleanly
   */
  @Override
  default void close() {}
}
