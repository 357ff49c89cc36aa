package dev.airlock.audit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into raw lines on {@code '\n'}, as bytes rather than characters, so that a torn
 * line's length and hash are those of the bytes on disk. Holds one line at a time; a line longer
 * than {@link ChainLine#MAX_LINE_BYTES} is skipped, not held. Not thread-safe.
 */
final class LineReader {
  /**
   * One line.
   *
   * @param number its 1-based line number
   * @param bytes its bytes without the {@code '\n'}, or {@code null} if it was too long to hold
   * @param terminated whether a {@code '\n'} ended it (only the last line of a file may lack one)
   */
  record RawLine(long number, byte[] bytes, boolean terminated) {}

  private final InputStream in;
  private long remaining;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private long lineNumber;
  private byte[] line = new byte[1024];

  /**
   * @param in the stream; the caller closes it
   * @param length how many bytes to read at most: the file's size when reading began, so that a
   *     file that grows meanwhile is read as it was
   */
  LineReader(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  /** Returns the next line, or {@code null} at the end. */
  RawLine next() throws IOException {
    int length = 0;
    boolean tooLong = false;
    while (true) {
      if (pos == limit && !fill()) {
        if (length == 0 && !tooLong) {
          return null;
        }
        return line(length, tooLong, false);
      }
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') {
        pos++;
      }
      int chunk = pos - start;
      if (!tooLong && (long) length + chunk > ChainLine.MAX_LINE_BYTES) {
        tooLong = true;
      }
      if (!tooLong) {
        if (length + chunk > line.length) {
          line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
        }
        System.arraycopy(buffer, start, line, length, chunk);
        length += chunk;
      }
      if (pos < limit) {
        pos++; // the '\n'
        return line(length, tooLong, true);
      }
    }
  }

  private RawLine line(int length, boolean tooLong, boolean terminated) {
    lineNumber++;
    return new RawLine(lineNumber, tooLong ? null : Arrays.copyOf(line, length), terminated);
  }

  private boolean fill() throws IOException {
    if (remaining <= 0) {
      return false;
    }
    int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
    if (n < 0) {
      remaining = 0;
      return false;
    }
    remaining -= n;
    pos = 0;
    limit = n;
    return true;
  }
}
