package dev.airlock.audit;

import java.nio.file.Path;

/** Run in another JVM by tests: tries to open a sink on the log named by its argument. */
final class LockProbe {
  static final int OPENED = 0;
  static final int REFUSED = 3;

  private LockProbe() {}

  public static void main(String[] args) {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(Path.of(args[0])).build()) {
      System.out.println("opened at seq " + sink.head().sequence());
      System.exit(OPENED);
    } catch (AuditException e) {
      System.out.println(e.getMessage());
      System.exit(REFUSED);
    }
  }
}
