package dev.airlock.audit;

import java.util.List;
import java.util.Objects;

/**
 * What {@link AuditLog#verify(java.nio.file.Path, VerifyOptions)} found: whether the log is an
 * unbroken chain, and if not, the first line where it breaks and why, in words for a person.
 *
 * <p>Verification stops at the first problem, because nothing after a break can be trusted to
 * belong to the chain. Torn lines that a sink recovered from (a crash mid-write, followed by a
 * {@code recovery} event that names the torn bytes) do not break the chain; they are listed in
 * {@link #recoveredLines()}. Immutable and thread-safe.
 *
 * @param intact whether every line checked out (and the expected head, if any, was found)
 * @param linesChecked how many lines were read, recovered torn lines included; when not intact,
 *     up to where verification stopped
 * @param head the last good line's sequence number and hash; for an empty log, sequence 0 and 64
 *     zeros
 * @param firstBadLine the 1-based number of the first bad line; 0 if the log is intact, or if
 *     its only problem is that the expected head is missing
 * @param problem what is wrong, e.g. {@code "line 7: hash does not match its content (edited?)"};
 *     {@code null} if the log is intact
 * @param recoveredLines the torn lines a recovery event accounts for, in order
 */
public record AuditVerification(
    boolean intact,
    long linesChecked,
    AuditHead head,
    long firstBadLine,
    String problem,
    List<TornLine> recoveredLines) {

  /**
   * Validates the result.
   *
   * @throws NullPointerException if {@code head} or {@code recoveredLines} is null, or a problem
   *     is missing for a log that is not intact
   * @throws IllegalArgumentException if a count is negative, or an intact log has a problem or a
   *     bad line
   */
  public AuditVerification {
    if (linesChecked < 0) {
      throw new IllegalArgumentException(
          "linesChecked must not be negative, but was " + linesChecked);
    }
    Objects.requireNonNull(head, "head must not be null");
    if (firstBadLine < 0) {
      throw new IllegalArgumentException(
          "firstBadLine must not be negative, but was " + firstBadLine);
    }
    if (intact && (firstBadLine != 0 || problem != null)) {
      throw new IllegalArgumentException("an intact log has no bad line and no problem, but had "
          + "firstBadLine " + firstBadLine + " and problem '" + problem + "'");
    }
    if (!intact) {
      Objects.requireNonNull(problem, "problem must not be null when the log is not intact");
    }
    recoveredLines = List.copyOf(recoveredLines);
  }

  /**
   * A torn line: bytes a writer left behind when it crashed mid-write, which the next sink on the
   * log terminated and accounted for with a {@code recovery} event. The bytes stay in the log as
   * evidence.
   *
   * <p>Usually one line; if a crash also tore an earlier recovery, the torn bytes run over several
   * lines, and {@code bytes} and {@code sha256} cover all of them with the {@code '\n'}s between.
   *
   * @param line the 1-based number of the (first) torn line
   * @param bytes how many bytes were torn, without the final {@code '\n'}
   * @param sha256 the SHA-256 of those bytes, lowercase hex
   */
  public record TornLine(long line, long bytes, String sha256) {

    /**
     * Validates the torn line.
     *
     * @throws NullPointerException if {@code sha256} is null
     * @throws IllegalArgumentException if {@code line} is not positive, {@code bytes} is
     *     negative, or {@code sha256} is not 64 lowercase hex digits
     */
    public TornLine {
      if (line < 1) {
        throw new IllegalArgumentException("line must be positive, but was " + line);
      }
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must not be negative, but was " + bytes);
      }
      Objects.requireNonNull(sha256, "sha256 must not be null");
      if (!ChainLine.isHash(sha256)) {
        throw new IllegalArgumentException(
            "sha256 must be 64 lowercase hex digits, but was '" + sha256 + "'");
      }
    }
  }
}
