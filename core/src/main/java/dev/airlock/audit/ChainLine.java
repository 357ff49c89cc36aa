package dev.airlock.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One line of the audit log, the single definition of its format for writer and verifier: the
 * event's fields plus {@code type}, {@code seq}, {@code ts}, {@code prev}, then {@code hash} (over
 * the canonical JSON of everything else) and, with a key, {@code hmac} (over the hash).
 *
 * @param type the event's type
 * @param seq the line's sequence number, from 1
 * @param prev the previous line's hash, or {@link #GENESIS} for the first
 * @param hash the line's own hash, checked against its content
 * @param hmac the line's HMAC as written, or {@code null} if it has none (not yet checked)
 * @param content every field of the line, as parsed
 */
record ChainLine(
    String type, long seq, String prev, String hash, String hmac, Map<String, Object> content) {

  /** What the first line's {@code prev} holds, and an empty log's head. */
  static final String GENESIS = "0".repeat(64);

  /** Longer lines are refused on both sides, so a verifier never holds more than this at once. */
  static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final HexFormat HEX = HexFormat.of();

  /** A line that is not a well-formed, self-consistent audit line; the message says why. */
  static final class MalformedLineException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedLineException(String message) {
      super(message);
    }
  }

  /**
   * A line ready to write.
   *
   * @param bytes the canonical JSON of the line, ending in {@code '\n'}
   * @param hash the line's hash, the next line's {@code prev}
   */
  record Composed(byte[] bytes, String hash) {}

  /**
   * Composes the line for an event.
   *
   * @param mac the HMAC to sign the hash with, or {@code null} for none
   * @throws IllegalArgumentException if a field holds a value JSON cannot, or the line would be
   *     longer than {@link #MAX_LINE_BYTES}
   */
  static Composed compose(AuditEvent event, long seq, String ts, String prev, Mac mac) {
    Map<String, Object> line = new HashMap<>(event.fields());
    line.put("type", event.type());
    line.put("seq", seq);
    line.put("ts", ts);
    line.put("prev", prev);
    String hash;
    try {
      hash = hash(line, "fields");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "audit event '" + event.type() + "' cannot be written: " + e.getMessage(), e);
    }
    line.put("hash", hash);
    if (mac != null) {
      line.put("hmac", hmac(mac, hash));
    }
    byte[] json = CanonicalJson.write(line, "fields");
    if (json.length > MAX_LINE_BYTES) {
      throw new IllegalArgumentException("audit event '" + event.type() + "' is " + json.length
          + " bytes as JSON, more than the " + MAX_LINE_BYTES + " a log line may hold");
    }
    byte[] bytes = Arrays.copyOf(json, json.length + 1);
    bytes[json.length] = '\n';
    return new Composed(bytes, hash);
  }

  /**
   * Parses a line (without its {@code '\n'}) and checks it on its own: canonical JSON, the
   * chain's fields present and well-typed, the hash matching the content. Whether it fits the
   * chain, and its HMAC, are the caller's to check.
   *
   * @throws MalformedLineException saying what is wrong, in words for a person
   */
  static ChainLine parse(byte[] raw) throws MalformedLineException {
    if (raw.length == 0) {
      throw new MalformedLineException("empty");
    }
    Map<String, Object> content;
    try {
      content = CanonicalJson.parseObject(raw);
    } catch (JsonProcessingException e) {
      throw new MalformedLineException(
          "not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
    }
    if (content == null) {
      throw new MalformedLineException("not a JSON object");
    }
    byte[] canonical;
    try {
      canonical = CanonicalJson.write(content, "line");
    } catch (IllegalArgumentException e) {
      throw new MalformedLineException("holds a value the log does not write (" + e.getMessage()
          + ")");
    }
    if (!Arrays.equals(raw, canonical)) {
      throw new MalformedLineException("not in canonical form (reformatted or edited?)");
    }
    String type = string(content, "type");
    long seq = longValue(content.get("seq"));
    if (seq < 1) {
      throw new MalformedLineException("seq is missing or not a positive integer");
    }
    string(content, "ts");
    String prev = hashField(content, "prev");
    String hash = hashField(content, "hash");
    Object hmac = content.get("hmac");
    if (hmac != null && !(hmac instanceof String)) {
      throw new MalformedLineException("hmac is not a string");
    }
    Map<String, Object> signed = new HashMap<>(content);
    signed.remove("hash");
    signed.remove("hmac");
    if (!hash.equals(hash(signed, "line"))) {
      throw new MalformedLineException("hash does not match its content (edited?)");
    }
    return new ChainLine(type, seq, prev, hash, (String) hmac, content);
  }

  /** The line's hash: SHA-256 over the canonical JSON of every field but hash and hmac. */
  private static String hash(Map<String, Object> signed, String path) {
    return HEX.formatHex(sha256().digest(CanonicalJson.write(signed, path)));
  }

  /** The HMAC of a line: HMAC-SHA256 over its hash, as lowercase hex in UTF-8. */
  /** A copy of an HMAC key given to a builder, checked the same way for sinks and verifiers. */
  static byte[] copyOfKey(byte[] key) {
    Objects.requireNonNull(key, "hmacKey must not be null");
    if (key.length == 0) {
      throw new IllegalArgumentException("hmacKey must not be empty");
    }
    return key.clone();
  }

  static String hmac(Mac mac, String hash) {
    return HEX.formatHex(mac.doFinal(hash.getBytes(StandardCharsets.UTF_8)));
  }

  /** A new HMAC-SHA256 for the key; not thread-safe, like every {@link Mac}. */
  static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static boolean isHash(String s) {
    return s != null && HASH.matcher(s).matches();
  }

  /** An integral JSON number as a long, or -1 if the value is anything else. */
  static long longValue(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big && big.bitLength() < 64) {
      return big.longValue();
    }
    return -1;
  }

  private static String string(Map<String, Object> content, String name)
      throws MalformedLineException {
    if (!(content.get(name) instanceof String s)) {
      throw new MalformedLineException(name + " is missing or not a string");
    }
    return s;
  }

  private static String hashField(Map<String, Object> content, String name)
      throws MalformedLineException {
    Object value = content.get(name);
    if (!(value instanceof String s) || !isHash(s)) {
      throw new MalformedLineException(name + " is missing or not 64 lowercase hex digits");
    }
    return s;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    // Jackson appends where it found the error, which says nothing to a person reading a log.
    int end = message.indexOf('\n');
    String first = end < 0 ? message : message.substring(0, end);
    int marker = first.indexOf(" (start marker at");
    return marker < 0 ? first : first.substring(0, marker);
  }
}
