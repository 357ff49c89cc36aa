package dev.airlock.jdbc;

import dev.airlock.audit.AuditEvent;
import dev.airlock.audit.AuditSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** An audit sink that keeps every event in memory, for assertions. */
final class Events implements AuditSink {
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void append(AuditEvent event) {
    events.add(event);
  }

  @Override
  public void close() {}

  /** The fields of the last event of this type. */
  Map<String, Object> last(String type) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).type().equals(type)) {
        return events.get(i).fields();
      }
    }
    throw new AssertionError("no '" + type + "' event among " + events);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }
}
