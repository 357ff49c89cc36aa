package dev.airlock.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-writer lock of an audit log: an exclusive OS lock on {@code <log>.lock} beside the log,
 * held for the writer's lifetime. The lock file is left in place when released: deleting it could
 * let two writers each lock a different file of that name, one deleted and one new.
 *
 * <p>The log itself is not locked, for two reasons: on POSIX systems closing <em>any</em> handle a
 * process has on a file drops that process's locks on it, so a verification reading the log would
 * silently unlock it; and on Windows a lock keeps other processes from reading the log at all. For
 * the first reason this class also never opens a lock file that this JVM already holds, and
 * tracks held ones itself rather than relying on {@link OverlappingFileLockException}.
 */
final class LogLock implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;

  private LogLock(Path lockFile, FileChannel channel) {
    this.lockFile = lockFile;
    this.channel = channel;
  }

  /**
   * Locks the log for writing.
   *
   * @throws AuditException if another writer, in this process or another, holds the lock, or the
   *     lock file cannot be opened
   */
  static LogLock acquire(Path log) {
    Path lockFile = lockFileOf(log);
    if (!HELD.add(lockFile)) {
      throw inUse(log, lockFile);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      HELD.remove(lockFile);
      throw new AuditException(
          "could not open lock file " + lockFile + " of audit log " + log + ": " + e, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException e) {
      closeQuietly(channel, e);
      HELD.remove(lockFile);
      throw new AuditException(
          "could not lock audit log " + log + " with lock file " + lockFile + ": " + e, e);
    } catch (OverlappingFileLockException e) {
      lock = null; // another channel in this JVM locked it without going through this class
    }
    if (lock == null) {
      AuditException inUse = inUse(log, lockFile);
      closeQuietly(channel, inUse);
      HELD.remove(lockFile);
      throw inUse;
    }
    return new LogLock(lockFile, channel);
  }

  /**
   * Releases the lock.
   *
   * @throws IOException if the lock file's handle could not be closed; the lock is released
   *     either way
   */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      HELD.remove(lockFile);
    }
  }

  /** The lock file beside the log's real path, so that two names for one log share one lock. */
  private static Path lockFileOf(Path log) {
    Path absolute = log.toAbsolutePath().normalize();
    Path real;
    try {
      try {
        real = absolute.toRealPath();
      } catch (NoSuchFileException e) {
        Path parent = absolute.getParent();
        if (parent == null) {
          throw e;
        }
        real = parent.toRealPath().resolve(absolute.getFileName());
      }
    } catch (IOException e) {
      throw new AuditException("could not open audit log " + log
          + ": its directory does not exist or cannot be read (" + e + ")", e);
    }
    return real.resolveSibling(real.getFileName() + ".lock");
  }

  private static AuditException inUse(Path log, Path lockFile) {
    return new AuditException("audit log " + log + " is in use by another writer (lock file "
        + lockFile + " is held); only one sink may write a log at a time");
  }

  private static void closeQuietly(FileChannel channel, Exception failure) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
