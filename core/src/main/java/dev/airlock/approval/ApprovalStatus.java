package dev.airlock.approval;

/** Where one approval request stands in an {@link ApprovalStore}. */
public enum ApprovalStatus {
  /** Waiting for a person. */
  PENDING,
  /** A person approved it; the grant is waiting to be used once. */
  APPROVED,
  /** A person rejected it. */
  REJECTED,
  /** It lapsed unanswered, or its grant lapsed unused. */
  EXPIRED,
  /** Its grant was used: the call ran (or was let through to run) once. */
  USED;

  /**
   * Tells whether nothing can change this status any more.
   *
   * @return {@code true} for REJECTED, EXPIRED and USED
   */
  public boolean isFinal() {
    return this == REJECTED || this == EXPIRED || this == USED;
  }
}
