package dev.airlock.audit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Checks audit logs written by {@link JsonLinesAuditSink}: that every line is intact, that each
 * names the hash of the line before it, that {@code seq} counts up by one, and optionally each
 * line's HMAC and that a head recorded earlier is still there.
 *
 * <pre>{@code
 * AuditVerification v = AuditLog.verify(Path.of("airlock-audit.jsonl"),
 *     VerifyOptions.builder().hmacKey(key).expectedHeadHash(recordedHead).build());
 * if (!v.intact()) {
 *   alert(v.problem()); // e.g. "line 7: hash does not match its content (edited?)"
 * }
 * }</pre>
 *
 * <p>What the chain proves: without a key, that no line was edited, deleted, inserted or
 * reordered, except by someone who recomputed every hash after it; with a key, that nobody
 * without the key wrote the lines. Cutting lines off the end leaves a valid chain; only a head
 * recorded elsewhere ({@link VerifyOptions.Builder#expectedHeadHash(String)}) shows it.
 *
 * <p>The file is read once, line by line, as it is when verification begins; logs of any length
 * can be verified, also while a sink appends to them. All methods are thread-safe.
 */
public final class AuditLog {
  private AuditLog() {}

  /**
   * Verifies the log's hash chain, without HMACs or an expected head.
   *
   * @param file the log
   * @return what verification found; an empty file is intact with 0 lines
   * @throws NullPointerException if {@code file} is null
   * @throws AuditException if the file does not exist or cannot be read
   */
  public static AuditVerification verify(Path file) {
    return verify(file, VerifyOptions.none());
  }

  /**
   * Verifies the log's hash chain and what the options ask for.
   *
   * @param file the log
   * @param options the HMAC key and expected head to check, if any
   * @return what verification found; an empty file is intact with 0 lines
   * @throws NullPointerException if {@code file} or {@code options} is null
   * @throws AuditException if the file does not exist or cannot be read
   */
  public static AuditVerification verify(Path file, VerifyOptions options) {
    Objects.requireNonNull(file, "file must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return ChainVerifier.verify(file, options.hmacKey(), options.expectedHeadHash())
        .verification();
  }
}
