package dev.airlock.audit;

/**
 * Thrown when an audit log cannot be written or read: a full disk, a lock held by another process,
 * a closed sink, a log whose chain is broken where it must continue.
 *
 * <p>Immutable and thread-safe.
 */
public class AuditException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do about it
   */
  public AuditException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what failed and what to do about it
   * @param cause the underlying failure
   */
  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
