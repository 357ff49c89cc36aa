package dev.airlock;

import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditException;
import dev.airlock.audit.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit sink for tests: keeps events in memory and can be made to fail. */
final class RecordingAuditSink implements AuditSink {
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  volatile boolean failing;

  @Override
  public void append(AuditEvent event) {
    if (failing) {
      throw new AuditException("disk full (test)");
    }
    events.add(event);
  }

  List<String> types() {
    return events.stream().map(AuditEvent::type).toList();
  }
}
