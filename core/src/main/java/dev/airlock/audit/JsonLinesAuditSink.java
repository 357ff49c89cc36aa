package dev.airlock.audit;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditSink} that writes a hash-chained JSON Lines file: one JSON object per line, each
 * naming the hash of the line before it, so that editing, deleting, inserting or reordering a line
 * breaks the chain and {@link AuditLog#verify(Path)} finds where.
 *
 * <pre>{@code
 * try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(Path.of("airlock-audit.jsonl"))
 *     .fsync(true)
 *     .hmacKey(key)
 *     .build()) {
 *   sink.append(new AuditEvent("kill-switch", Map.of("action", "engage", "by", "ops")));
 *   AuditHead head = sink.head(); // record it elsewhere to verify against later
 * }
 * }</pre>
 *
 * <h2>Line format</h2>
 *
 * Each line is the canonical JSON (below) of one object, then {@code '\n'}. The object holds the
 * event's fields plus:
 *
 * <ul>
 *   <li>{@code type}: the event's type;
 *   <li>{@code seq}: the line's sequence number, 1 for the first line, consecutive;
 *   <li>{@code ts}: when the line was written, from the sink's clock, as an ISO-8601 UTC instant
 *       with milliseconds, e.g. {@code "2026-11-25T10:15:30.123Z"};
 *   <li>{@code prev}: the previous line's {@code hash}; 64 zeros on the first line;
 *   <li>{@code hash}: the SHA-256, lowercase hex, of the canonical JSON of the object without
 *       {@code hash} and {@code hmac} (so it covers {@code prev}, and through it every earlier
 *       line);
 *   <li>{@code hmac}: only with a key: HMAC-SHA256 of the {@code hash} string (its 64 hex
 *       characters in UTF-8) under the key, lowercase hex, so that whoever lacks the key cannot
 *       rewrite the log from scratch with a consistent chain.
 * </ul>
 *
 * <p>For example (wrapped here; one line in the file):
 *
 * <pre>{@code
 * {"action":"engage","by":"ops","hash":"5c1e…","prev":"0000…0000","seq":1,
 *  "ts":"2026-11-25T10:15:30.123Z","type":"kill-switch"}
 * }</pre>
 *
 * <h2>Canonical JSON</h2>
 *
 * The bytes that are hashed, and the bytes written, are the canonical JSON of the object: UTF-8;
 * no whitespace outside strings; object keys sorted at every level by {@link String#compareTo}
 * (UTF-16 code units); in strings only the quote, the backslash and control characters escaped
 * (with JSON's short escapes such as {@code \n} where it has one, else {@code \}{@code u} and four
 * uppercase hex digits), everything else, emoji too, as UTF-8;
 * {@code true}, {@code false}, {@code null}; integers ({@code Integer}, {@code Long}, {@code
 * Short}, {@code Byte}, {@code BigInteger}) in decimal; other numbers ({@code BigDecimal}, and
 * {@code Double} or {@code Float} by their shortest decimal form) as {@code
 * BigDecimal.stripTrailingZeros().toPlainString()}: never an exponent, never a trailing zero, so
 * {@code 1.50} is written {@code 1.5} and {@code 2.0} is written {@code 2}. NaN and infinities,
 * numbers longer than 1,000 characters, strings with unpaired surrogates, objects nested more
 * than 64 deep, values of any other type and lines longer than 16 MiB are refused. Reading a line with floats as {@code
 * BigDecimal} and writing it again gives the same bytes; that is how the hash is checked. This is
 * close to, but not, RFC 8785 (which writes numbers as JavaScript does).
 *
 * <h2>Durability, locking, recovery</h2>
 *
 * <ul>
 *   <li>{@link #append} returns once the line is handed to the operating system in one write (it
 *       survives the process crashing); with {@link Builder#fsync(boolean) fsync}, once it is on
 *       the disk (it survives the machine crashing).
 *   <li>The sink holds an exclusive lock on {@code <file>.lock} for its lifetime: a second sink on
 *       the same log, in this process or another, fails to open. The lock file stays behind.
 *   <li>Opening an existing log verifies it and continues its chain. A log whose chain is broken
 *       is refused: it is evidence, and appending would bury the break.
 *   <li>A log that ends in a torn line (a writer crashed mid-write) is continued: the sink ends
 *       the torn line with {@code '\n'}, keeps its bytes as evidence, and writes a {@code
 *       recovery} event with {@code tornLine} (its 1-based line number), {@code tornBytes} (its
 *       length) and {@code tornSha256} (the SHA-256 of its bytes), chained from the last good line.
 *       Verification accepts such a torn line and lists it.
 *   <li>If a write fails, the sink throws and takes no more events, since it cannot know how much
 *       of the line reached the file; a new sink on the log recovers it.
 * </ul>
 *
 * <p>The sink is thread-safe: appends from many threads are written one at a time, with
 * consecutive {@code seq}s in the order they were written.
 */
public final class JsonLinesAuditSink implements AuditSink {
  private static final Logger log = LoggerFactory.getLogger(JsonLinesAuditSink.class);

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

  private final Path file;
  private final boolean fsync;
  private final Clock clock;
  private final LogLock fileLock;
  // A stream rather than a FileChannel: an interrupt during a channel's write closes the channel,
  // and callers run tools under time limits that interrupt; this stream ignores interrupts.
  private final FileOutputStream out;

  private final Object lock = new Object();
  // Guarded by lock: Mac is not thread-safe, the rest is the chain's state.
  private final Mac mac;
  private long seq;
  private String hash;
  private IOException failure;
  private boolean closed;

  private JsonLinesAuditSink(
      Builder b, byte[] hmacKey, LogLock fileLock, FileOutputStream out, AuditHead head) {
    this.file = b.file;
    this.fsync = b.fsync;
    this.clock = b.clock;
    this.mac = hmacKey == null ? null : ChainLine.newMac(hmacKey);
    this.fileLock = fileLock;
    this.out = out;
    this.seq = head.sequence();
    this.hash = head.hash();
  }

  /**
   * Starts a sink on the file; {@link Builder#build()} opens it.
   *
   * @param file the log, created if it does not exist; its directory must exist
   * @return a new builder
   * @throws NullPointerException if {@code file} is null
   * @throws IllegalArgumentException if {@code file} has no file name or is not on the default
   *     file system
   */
  public static Builder builder(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("file must name a file, but was '" + file + "'");
    }
    if (file.getFileSystem() != FileSystems.getDefault()) {
      throw new IllegalArgumentException(
          "file must be on the default file system, but was on " + file.getFileSystem());
    }
    return new Builder(file);
  }

  /**
   * Writes the event as the log's next line.
   *
   * @param event the event
   * @throws NullPointerException if {@code event} is null
   * @throws IllegalArgumentException if a field holds a value the log cannot write (see the
   *     class description), naming the field; nothing is written and the sink stays usable
   * @throws AuditException if the sink is closed, an earlier write failed, or this write fails
   */
  @Override
  public void append(AuditEvent event) {
    Objects.requireNonNull(event, "event must not be null");
    synchronized (lock) {
      if (closed) {
        throw new AuditException("audit log " + file + " is closed");
      }
      if (failure != null) {
        throw new AuditException("audit log " + file + " takes no more events after a failed"
            + " write (" + failure + "); open a new sink on it to recover", failure);
      }
      write(event, false);
    }
  }

  /**
   * Returns the last line written (or found when the log was opened), to record elsewhere and
   * verify against later with {@link VerifyOptions.Builder#expectedHeadHash(String)}.
   *
   * @return the head; sequence 0 and 64 zeros while the log is empty
   */
  public AuditHead head() {
    synchronized (lock) {
      return new AuditHead(seq, hash);
    }
  }

  /**
   * Closes the file and releases its lock. Later appends throw {@link AuditException}; closing
   * again does nothing.
   *
   * @throws AuditException if the file or its lock could not be closed cleanly
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      IOException failed = null;
      try {
        out.close();
      } catch (IOException e) {
        failed = e;
      }
      try {
        fileLock.close();
      } catch (IOException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
      if (failed != null) {
        throw new AuditException("could not close audit log " + file + ": " + failed, failed);
      }
      log.debug("Closed audit log {} at seq {}", file, seq);
    }
  }

  @Override
  public String toString() {
    return "JsonLinesAuditSink[" + file + "]";
  }

  /** Writes the event's line in one write; with {@code afterTorn}, ends a torn line first. */
  private void write(AuditEvent event, boolean afterTorn) {
    long next = seq + 1;
    ChainLine.Composed line =
        ChainLine.compose(event, next, TIMESTAMP.format(clock.instant()), hash, mac);
    byte[] bytes = line.bytes();
    if (afterTorn) {
      byte[] terminated = new byte[bytes.length + 1];
      terminated[0] = '\n';
      System.arraycopy(bytes, 0, terminated, 1, bytes.length);
      bytes = terminated;
    }
    try {
      out.write(bytes);
      if (fsync) {
        out.getFD().sync();
      }
    } catch (IOException e) {
      failure = e;
      log.warn("Audit log {} failed to write seq {}; it takes no more events until reopened",
          file, next, e);
      throw new AuditException("could not write seq " + next + " to audit log " + file + " ("
          + e + "); this sink takes no more events, open a new one on the log to recover", e);
    }
    seq = next;
    hash = line.hash();
  }

  private static JsonLinesAuditSink open(Builder b, byte[] hmacKey) {
    LogLock fileLock = LogLock.acquire(b.file);
    FileOutputStream out = null;
    try {
      ChainVerifier.TornTail torn = null;
      AuditHead head = AuditHead.empty();
      if (Files.exists(b.file)) {
        ChainVerifier.Outcome found = ChainVerifier.verify(b.file, hmacKey, null);
        AuditVerification verification = found.verification();
        torn = found.tornTail();
        if (!verification.intact() && torn == null) {
          throw new AuditException("audit log " + b.file + " cannot be continued, its chain is"
              + " broken: " + verification.problem() + ". Keep it as evidence and write a new"
              + " log at another path");
        }
        if (found.signed() && hmacKey == null) {
          throw new AuditException("audit log " + b.file + " is signed with an HMAC key; continue"
              + " it with the same key (hmacKey), or write a new log at another path");
        }
        head = verification.head();
      }
      out = new FileOutputStream(b.file.toFile(), true);
      JsonLinesAuditSink sink = new JsonLinesAuditSink(b, hmacKey, fileLock, out, head);
      if (torn != null) {
        sink.recover(torn);
      }
      log.debug("Opened audit log {} at seq {}", b.file, sink.seq);
      return sink;
    } catch (IOException | RuntimeException e) {
      closeAfterFailedOpen(out, fileLock, e);
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AuditException("could not open audit log " + b.file + " for writing: " + e, e);
    }
  }

  private void recover(ChainVerifier.TornTail torn) {
    synchronized (lock) {
      write(torn.recoveryEvent(), !torn.terminated());
      log.warn("Audit log {} ended in a torn line {} ({} bytes, sha256 {}), left by a writer that"
              + " crashed mid-write; kept it and recorded recovery event seq {}",
          file, torn.line(), torn.bytes(), torn.sha256(), seq);
    }
  }

  private static void closeAfterFailedOpen(
      FileOutputStream out, LogLock fileLock, Exception failure) {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    try {
      fileLock.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * Builds a {@link JsonLinesAuditSink}. Not thread-safe; {@link #build()} copies its state, so a
   * builder can be reused (though only one sink may have a log open at a time).
   */
  public static final class Builder {
    private final Path file;
    private boolean fsync;
    private byte[] hmacKey;
    private Clock clock = Clock.systemUTC();

    private Builder(Path file) {
      this.file = file;
    }

    /**
     * Whether each append also forces the line to the disk before it returns, so that it
     * survives a power loss, not only a crash of the process. Off by default: an fsync per event
     * costs milliseconds on many disks.
     *
     * @param fsync whether to force each line to the disk
     * @return this builder
     */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /**
     * Signs each line's hash with this key (the {@code hmac} field), so that whoever can edit the
     * file but lacks the key cannot rewrite it with a consistent chain. Keep the key away from
     * the log. A log with HMACs must be continued with the same key: opening it verifies every
     * line's {@code hmac} and refuses a log with lines that lack one.
     *
     * @param key the key, at least one byte; copied
     * @return this builder
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalArgumentException if {@code key} is empty
     */
    public Builder hmacKey(byte[] key) {
      this.hmacKey = ChainLine.copyOfKey(key);
      return this;
    }

    /**
     * Sets the clock that {@code ts} is read from; the system clock in UTC by default.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * Opens the log: locks it, verifies what it already holds, recovers from a torn last line,
     * and continues its chain.
     *
     * @return the open sink
     * @throws AuditException if another writer holds the log, the log's chain is broken (the
     *     message names the line), or the file cannot be read or written
     */
    public JsonLinesAuditSink build() {
      return open(this, hmacKey == null ? null : hmacKey.clone());
    }
  }
}
