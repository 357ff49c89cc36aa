package dev.airlock.audit;

import java.util.Objects;

/**
 * The last line of an audit log: its sequence number and hash. Because every line's hash covers
 * the hash before it, the head stands for the whole log up to it; record it somewhere the log's
 * writer cannot change (a ticket, another system's log) and a later verification with {@link
 * VerifyOptions.Builder#expectedHeadHash(String)} tells whether the log was cut off or rewritten
 * since.
 *
 * <p>An empty log's head is sequence 0 with a hash of 64 zeros, which is what its first line's
 * {@code prev} holds. Immutable and thread-safe.
 *
 * @param sequence the last line's {@code seq}, or 0 for an empty log
 * @param hash the last line's {@code hash}, 64 lowercase hex digits
 */
public record AuditHead(long sequence, String hash) {

  /**
   * Validates the head.
   *
   * @throws NullPointerException if {@code hash} is null
   * @throws IllegalArgumentException if {@code sequence} is negative or {@code hash} is not 64
   *     lowercase hex digits
   */
  public AuditHead {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative, but was " + sequence);
    }
    Objects.requireNonNull(hash, "hash must not be null");
    if (!ChainLine.isHash(hash)) {
      throw new IllegalArgumentException(
          "hash must be 64 lowercase hex digits, but was '" + hash + "'");
    }
  }

  /** The head of an empty log: sequence 0, a hash of 64 zeros. */
  static AuditHead empty() {
    return new AuditHead(0, ChainLine.GENESIS);
  }
}
