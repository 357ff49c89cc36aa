package dev.airlock.approval;

/**
 * An {@link ApprovalStore} could not read or write its storage. Airlock refuses what needed the
 * store ({@code APPROVAL_STORE_UNAVAILABLE}); nothing that needs approval runs without it.
 */
public class ApprovalStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be done, and on which store
   * @param cause the underlying failure, or {@code null}
   */
  public ApprovalStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
