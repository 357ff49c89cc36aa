package dev.airlock;

import dev.airlock.audit.AuditEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit events Airlock writes, built from its own types. */
final class AuditRecords {
  private AuditRecords() {}

  static AuditEvent evaluation(String phase, ToolCall call, Decision decision) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("phase", phase);
    fields.put("call", call(call));
    fields.put("decision", decision(decision));
    return new AuditEvent("evaluation", fields);
  }

  static AuditEvent approval(
      ToolCall call, String requestId, String outcome, String by, String comment, Decision result) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("callId", call.callId());
    fields.put("requestId", requestId);
    fields.put("outcome", outcome);
    fields.put("by", by);
    fields.put("comment", comment);
    fields.put("decision", decision(result));
    return new AuditEvent("approval", fields);
  }

  static AuditEvent execution(ToolCall call, Decision decision, long durationMicros,
      Throwable error, Map<String, Object> details) {
    // The work may find that the call must not complete (e.g. too many rows) and undo it.
    ToolCallRefusedException refusal = error instanceof ToolCallRefusedException refused
        && refused.decision().id().equals(decision.id()) ? refused : null;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("callId", call.callId());
    fields.put("decisionId", decision.id());
    fields.put("tool", call.tool());
    fields.put("environment", call.environment());
    fields.put("agent", call.agent());
    fields.put("outcome", error == null ? "SUCCESS" : refusal != null ? "REFUSED" : "FAILURE");
    fields.put("durationMicros", durationMicros);
    if (!details.isEmpty()) {
      fields.put("details", details);
    }
    if (refusal != null) {
      fields.put("refusal", decision(refusal.decision()));
    } else if (error != null) {
      Map<String, Object> failure = new LinkedHashMap<>();
      failure.put("type", error.getClass().getName());
      failure.put("message", error.getMessage());
      fields.put("error", failure);
    }
    return new AuditEvent("execution", fields);
  }

  static AuditEvent killSwitch(String action, String agent, String reason, String by) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("action", action);
    fields.put("scope", agent == null ? "all" : "agent");
    fields.put("agent", agent);
    fields.put("reason", reason);
    fields.put("by", by);
    return new AuditEvent("kill-switch", fields);
  }

  private static Map<String, Object> call(ToolCall call) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", call.callId());
    fields.put("tool", call.tool());
    fields.put("arguments", call.arguments());
    fields.put("environment", call.environment());
    fields.put("agent", call.agent());
    fields.put("session", call.sessionId());
    fields.put("reason", call.reason());
    return fields;
  }

  private static Map<String, Object> decision(Decision decision) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("id", decision.id());
    fields.put("kind", kind(decision));
    fields.put("effect", decision.effect().name());
    List<Object> reasons = new ArrayList<>();
    for (Reason reason : decision.reasons()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("code", reason.code().name());
      r.put("policy", reason.policy());
      r.put("message", reason.message());
      reasons.add(r);
    }
    fields.put("reasons", reasons);
    return fields;
  }

  static String kind(Decision decision) {
    if (decision instanceof Decision.Allow) {
      return "ALLOW";
    }
    return decision instanceof Decision.Deny ? "DENY" : "NEEDS_APPROVAL";
  }
}
