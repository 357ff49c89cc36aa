package dev.airlock.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Writes logs for tests and edits them as an attacker or a crash would. */
final class LogFiles {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T10:15:30.123Z"), ZoneOffset.UTC);

  private LogFiles() {}

  /** Writes {@code count} events of type {@code step} with field {@code n} = 1, 2, …. */
  static AuditHead writeSteps(Path file, int count) {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(file).clock(CLOCK).build()) {
      for (int i = 1; i <= count; i++) {
        sink.append(step(i));
      }
      return sink.head();
    }
  }

  static AuditEvent step(int n) {
    return new AuditEvent("step", Map.of("n", n, "by", "test"));
  }

  /** The file's lines without their {@code '\n'}; a last line without one is kept as it is. */
  static List<String> lines(Path file) {
    String text = read(file);
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  /** Writes the lines, each ended by {@code '\n'}. */
  static void writeLines(Path file, List<String> lines) {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    write(file, text.toString());
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void appendRaw(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cuts the file to its first {@code size} bytes, as a crash mid-write leaves it. */
  static void truncate(Path file, long size) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 as lowercase hex, computed here rather than with the code under test. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HMAC-SHA256 as lowercase hex, computed here rather than with the code under test. */
  static String hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
