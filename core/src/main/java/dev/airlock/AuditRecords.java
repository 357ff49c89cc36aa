package dev.airlock;

import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalRecord;
import dev.airlock.approval.ApprovalRequest;
import dev.airlock.audit.AuditEvent;
import java.time.Instant;
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

  /** A request for approval was made: what the person is shown, minus the formatted copy. */
  static AuditEvent approvalRequest(ApprovalRequest request, Decision.NeedsApproval pending,
      String bindingHash) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("requestId", request.requestId());
    fields.put("decisionId", pending.id());
    fields.put("callId", request.call().callId());
    fields.put("bindingSha256", bindingHash);
    fields.put("tool", request.call().tool());
    fields.put("environment", request.environment().name());
    fields.put("agent", request.agent());
    fields.put("effect", request.effect().name());
    fields.put("tables", request.tables());
    if (request.rows() != null) {
      fields.put("rows", rows(request.rows()));
    }
    fields.put("maxRows", request.maxRows());
    if (request.staging() != null) {
      StagingRun run = request.staging();
      Map<String, Object> staging = new LinkedHashMap<>();
      staging.put("environment", run.stagingEnvironment());
      staging.put("rowsChanged", run.rowsChanged());
      staging.put("ranAt", run.ranAt().toString());
      staging.put("callId", run.callId());
      fields.put("staging", staging);
    }
    fields.put("expiresAt", request.expiresAt().toString());
    return new AuditEvent("approval-request", fields);
  }

  /**
   * What became of a request: {@code APPROVED} or {@code REJECTED} by a person, {@code
   * SELF_APPROVAL} (refused), {@code TIMEOUT} or {@code ERROR} of the approver.
   */
  static AuditEvent approval(ToolCall call, String requestId, String outcome,
      ApprovalDecision decision, Long grantedMaxRows, Instant grantExpiresAt) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("requestId", requestId);
    fields.put("callId", call.callId());
    fields.put("outcome", outcome);
    fields.put("by", decision == null ? null : decision.by());
    fields.put("comment", decision == null ? null : decision.comment());
    if (decision != null && decision.approved()) {
      fields.put("maxRows", grantedMaxRows);
      fields.put("grantExpiresAt", grantExpiresAt == null ? null : grantExpiresAt.toString());
    }
    return new AuditEvent("approval", fields);
  }

  /** A grant was used: the approved call runs now, once. */
  static AuditEvent grantUse(ToolCall call, ApprovalRecord grant, Decision allow, Instant at) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("requestId", grant.requestId());
    fields.put("callId", call.callId());
    fields.put("approvedBy", grant.decidedBy());
    fields.put("usedAt", at.toString());
    fields.put("decision", decision(allow));
    return new AuditEvent("grant-use", fields);
  }

  /** A request lapsed unanswered, or its grant lapsed unused. */
  static AuditEvent approvalExpiry(ApprovalRecord expired) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("requestId", expired.requestId());
    fields.put("callId", expired.call().callId());
    fields.put("agent", expired.call().agent());
    fields.put("what", expired.decidedAt() == null ? "request" : "grant");
    fields.put("expiredAt", expired.expiresAt().toString());
    return new AuditEvent("approval-expiry", fields);
  }

  /** A statement ran on a staging mirror: the evidence staging-first looks for. */
  static AuditEvent stagingRun(StagingRun run) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("callId", run.callId());
    fields.put("statementSha256", run.statementSha256());
    fields.put("environment", run.stagingEnvironment());
    fields.put("mirrors", run.productionEnvironment());
    fields.put("rowsChanged", run.rowsChanged());
    fields.put("agent", run.agent());
    return new AuditEvent("staging-run", fields);
  }

  private static Map<String, Object> rows(RowEstimate rows) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("planned", rows.plannedRows());
    fields.put("exact", rows.exactRows());
    fields.put("notes", rows.notes());
    return fields;
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
