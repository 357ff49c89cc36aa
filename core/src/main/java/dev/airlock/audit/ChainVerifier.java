package dev.airlock.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;

/**
 * Walks an audit log line by line and checks its chain; the one implementation behind {@link
 * AuditLog#verify} and a sink's check of the log it continues. Streams the file, holding one line
 * (and the running hash of a torn stretch) at a time. Not thread-safe; one instance per file read.
 *
 * <p>A line that is not well formed on its own (cut off, not JSON, hash not matching its content)
 * may have been torn by a crash. It breaks the chain unless the next good line is a {@code
 * recovery} event, chained from the line before the torn one, that names the torn bytes; several
 * such lines in a row count as one torn stretch, which a crash while writing a recovery leaves.
 * A stretch that ends the log counts as torn only when its last line has no line end, as a crash
 * leaves it; complete lines that do not verify were changed after they were written. Any other
 * problem breaks the chain at once.
 */
final class ChainVerifier {
  /**
   * The torn stretch a log ends with, which a sink may recover from.
   *
   * @param line the 1-based number of its first line
   * @param bytes its length, without a final {@code '\n'}
   * @param sha256 the SHA-256 of its bytes, lowercase hex
   * @param terminated whether the file ends with {@code '\n'}
   */
  record TornTail(long line, long bytes, String sha256, boolean terminated) {
    static final String RECOVERY_TYPE = "recovery";

    /** The event that accounts for this stretch, to be chained from the line before it. */
    AuditEvent recoveryEvent() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("tornLine", line);
      fields.put("tornBytes", bytes);
      fields.put("tornSha256", sha256);
      return new AuditEvent(RECOVERY_TYPE, fields);
    }
  }

  /**
   * What verification found.
   *
   * @param verification the result as callers see it
   * @param tornTail the torn stretch at the end of the log if that is its only problem, else
   *     {@code null}
   * @param signed whether a good line carries an {@code hmac}, so the log was written with a key
   */
  record Outcome(AuditVerification verification, TornTail tornTail, boolean signed) {}

  private final Mac mac;
  private final String expectedHeadHash;
  private boolean headSeen;
  private boolean signed;
  private final List<AuditVerification.TornLine> recovered = new ArrayList<>();

  private long lines;
  private long lastLine;
  private long lastSeq;
  private String lastHash = ChainLine.GENESIS;

  // The torn stretch since the last good line; tornLine is 0 when there is none.
  private long tornLine;
  private String tornProblem;
  private MessageDigest tornDigest;
  private long tornBytes;
  private String tornSha256;
  private boolean tornTerminated;

  private ChainVerifier(byte[] hmacKey, String expectedHeadHash) {
    this.mac = hmacKey == null ? null : ChainLine.newMac(hmacKey);
    this.expectedHeadHash = expectedHeadHash;
    this.headSeen = expectedHeadHash == null || expectedHeadHash.equals(ChainLine.GENESIS);
  }

  /**
   * Verifies the log as it is when reading begins (lines appended meanwhile are not read).
   *
   * @param hmacKey the key to check each line's {@code hmac} with, or {@code null} to skip them
   * @param expectedHeadHash a hash that must be in the log, or {@code null}
   * @throws AuditException if the file does not exist or cannot be read
   */
  static Outcome verify(Path file, byte[] hmacKey, String expectedHeadHash) {
    ChainVerifier verifier = new ChainVerifier(hmacKey, expectedHeadHash);
    try (InputStream in = Files.newInputStream(file)) {
      return verifier.run(new LineReader(in, Files.size(file)));
    } catch (NoSuchFileException e) {
      throw new AuditException("audit log " + file + " does not exist", e);
    } catch (IOException e) {
      throw new AuditException("could not read audit log " + file + ": " + e, e);
    }
  }

  private Outcome run(LineReader reader) throws IOException {
    LineReader.RawLine raw;
    while ((raw = reader.next()) != null) {
      lines = raw.number();
      if (raw.bytes() == null) {
        return broken(lines, "longer than " + ChainLine.MAX_LINE_BYTES
            + " bytes, which no audit line is");
      }
      ChainLine line = parseOrTear(raw);
      if (line == null) {
        continue;
      }
      String problem;
      if (tornLine != 0) {
        if (!recovers(line)) {
          return broken(tornLine, tornProblem);
        }
        recovered.add(new AuditVerification.TornLine(tornLine, tornBytes, tornSha256()));
        tornLine = 0;
        problem = hmacProblem(line);
      } else {
        problem = chainProblem(line);
        if (problem == null) {
          problem = hmacProblem(line);
        }
      }
      if (problem != null) {
        return broken(lines, problem);
      }
      signed |= line.hmac() != null;
      lastLine = lines;
      lastSeq = line.seq();
      lastHash = line.hash();
      headSeen |= line.hash().equals(expectedHeadHash);
    }
    if (tornLine != 0 && tornTerminated) {
      // A crash leaves the last line without its '\n'; a complete line that does not verify was
      // changed after it was written, and is never recovered from.
      return broken(tornLine, tornProblem + "; it is a complete line, not one cut off by a crash"
          + " (edited?)");
    }
    if (tornLine != 0) {
      TornTail tail = new TornTail(tornLine, tornBytes, tornSha256(), tornTerminated);
      return new Outcome(result(tornLine, "line " + tornLine + ": " + tornProblem
          + "; it ends the log, so the writer probably crashed mid-write, and no recovery event"
          + " follows it (opening a sink on the log writes one)"), tail, signed);
    }
    if (!headSeen) {
      return new Outcome(result(0, "expected head hash " + expectedHeadHash
          + " is not in the log (the log was cut off or rewritten)"), null, signed);
    }
    return new Outcome(result(0, null), null, signed);
  }

  /** The line, or {@code null} if it is malformed, after adding it to the torn stretch. */
  private ChainLine parseOrTear(LineReader.RawLine raw) {
    String problem;
    if (!raw.terminated()) {
      problem = "cut off (no line end)";
    } else {
      try {
        return ChainLine.parse(raw.bytes());
      } catch (ChainLine.MalformedLineException e) {
        problem = e.getMessage();
      }
    }
    addTorn(raw, problem);
    return null;
  }

  private void addTorn(LineReader.RawLine raw, String problem) {
    if (tornLine == 0) {
      tornLine = raw.number();
      tornProblem = problem;
      tornDigest = ChainLine.sha256();
      tornBytes = 0;
      tornSha256 = null;
    } else {
      tornDigest.update((byte) '\n');
      tornBytes++;
    }
    tornDigest.update(raw.bytes());
    tornBytes += raw.bytes().length;
    tornTerminated = raw.terminated();
  }

  private String tornSha256() {
    // digest() resets the digest, so take it once; nothing is added to a stretch after that.
    if (tornSha256 == null) {
      tornSha256 = ChainLine.hex(tornDigest.digest());
    }
    return tornSha256;
  }

  /** Whether the line is the recovery event for the torn stretch, chained past it. */
  private boolean recovers(ChainLine line) {
    return line.type().equals(TornTail.RECOVERY_TYPE)
        && line.seq() == lastSeq + 1
        && line.prev().equals(lastHash)
        && ChainLine.longValue(line.content().get("tornLine")) == tornLine
        && ChainLine.longValue(line.content().get("tornBytes")) == tornBytes
        && tornSha256().equals(line.content().get("tornSha256"));
  }


  /** What is wrong with how the line follows the last good one, or {@code null}. */
  private String chainProblem(ChainLine line) {
    long expected = lastSeq + 1;
    if (line.seq() != expected) {
      String why;
      if (lastSeq == 0) {
        why = ", but a log starts at seq 1 (its beginning was cut off, or lines were reordered)";
      } else if (line.seq() > expected) {
        why = " follows " + lastSeq + " (a line was deleted, or lines were reordered)";
      } else {
        why = " follows " + lastSeq + " (a line was inserted, copied or reordered)";
      }
      return "seq " + line.seq() + why;
    }
    if (!line.prev().equals(lastHash)) {
      return lastLine == 0
          ? "prev is not 64 zeros, as a log's first line's is (its beginning was replaced?)"
          : "prev does not match line " + lastLine + "'s hash (a line was deleted, inserted or"
              + " reordered)";
    }
    return null;
  }

  private String hmacProblem(ChainLine line) {
    if (mac == null) {
      return null;
    }
    if (line.hmac() == null) {
      return "has no hmac, but the log is checked with a key (written without the key, or"
          + " rewritten?)";
    }
    byte[] expected = ChainLine.hmac(mac, line.hash()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, line.hmac().getBytes(StandardCharsets.UTF_8))) {
      return "hmac does not match (written with another key, or rewritten without the key?)";
    }
    return null;
  }

  private Outcome broken(long line, String problem) {
    return new Outcome(result(line, "line " + line + ": " + problem), null, signed);
  }

  private AuditVerification result(long firstBadLine, String problem) {
    return new AuditVerification(problem == null, lines,
        new AuditHead(lastSeq, lastHash), firstBadLine, problem, recovered);
  }
}
