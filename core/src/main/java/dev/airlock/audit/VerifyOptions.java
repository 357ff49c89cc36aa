package dev.airlock.audit;

import java.util.Locale;
import java.util.Objects;

/**
 * What {@link AuditLog#verify(java.nio.file.Path, VerifyOptions)} checks beyond the hash chain:
 * each line's HMAC, and that a head recorded earlier is still in the log.
 *
 * <pre>{@code
 * VerifyOptions options = VerifyOptions.builder()
 *     .hmacKey(key)
 *     .expectedHeadHash("9f2c…")   // from sink.head().hash(), recorded elsewhere
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; it holds its own copy of the key.
 */
public final class VerifyOptions {
  private static final VerifyOptions NONE = new VerifyOptions(null, null);

  private final byte[] hmacKey;
  private final String expectedHeadHash;

  private VerifyOptions(byte[] hmacKey, String expectedHeadHash) {
    this.hmacKey = hmacKey;
    this.expectedHeadHash = expectedHeadHash;
  }

  /**
   * Returns options that check the hash chain only.
   *
   * @return options with no key and no expected head
   */
  public static VerifyOptions none() {
    return NONE;
  }

  /**
   * Starts options with no key and no expected head.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The key, or {@code null}; not copied, as only this package reads it. */
  byte[] hmacKey() {
    return hmacKey;
  }

  /** The expected head hash, lowercase, or {@code null}. */
  String expectedHeadHash() {
    return expectedHeadHash;
  }

  /** Shows what is checked, never the key. */
  @Override
  public String toString() {
    return "VerifyOptions[hmac=" + (hmacKey != null) + ", expectedHeadHash=" + expectedHeadHash
        + "]";
  }

  /**
   * Builds {@link VerifyOptions}. Not thread-safe; {@link #build()} copies its state, so a builder
   * can be reused.
   */
  public static final class Builder {
    private byte[] hmacKey;
    private String expectedHeadHash;

    private Builder() {}

    /**
     * Checks every line's {@code hmac} with this key: a line without one, or with one that does
     * not match, breaks the log. Without a key, {@code hmac} fields are not checked.
     *
     * @param key the key the sink wrote with; copied
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public Builder hmacKey(byte[] key) {
      this.hmacKey = ChainLine.copyOfKey(key);
      return this;
    }

    /**
     * Requires a line with this hash in the log, such as a {@link AuditHead#hash() head}
     * recorded earlier; if there is none, the log was cut off or rewritten since. The hash of 64
     * zeros, an empty log's head, is always found.
     *
     * @param hash 64 hex digits, either case
     * @return this builder
     * @throws NullPointerException if {@code hash} is null
     * @throws IllegalArgumentException if {@code hash} is not 64 hex digits
     */
    public Builder expectedHeadHash(String hash) {
      Objects.requireNonNull(hash, "expectedHeadHash must not be null");
      String lower = hash.toLowerCase(Locale.ROOT);
      if (!ChainLine.isHash(lower)) {
        throw new IllegalArgumentException(
            "expectedHeadHash must be 64 hex digits, but was '" + hash + "'");
      }
      this.expectedHeadHash = lower;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options, with their own copy of the key
     */
    public VerifyOptions build() {
      return new VerifyOptions(hmacKey == null ? null : hmacKey.clone(), expectedHeadHash);
    }
  }
}
