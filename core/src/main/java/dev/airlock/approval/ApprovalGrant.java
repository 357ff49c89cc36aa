package dev.airlock.approval;

import dev.airlock.ToolCall;
import dev.airlock.audit.CanonicalJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A person's approval of one exact call, as Airlock keeps it until the call runs: bound to the
 * SHA-256 of the tool's name, the canonical JSON of all its arguments (the SQL text byte for
 * byte), the environment and the agent ({@link #bindingHash(ToolCall)}), plus the row ceiling
 * approved. A grant is used once, atomically, when the call runs, and expires unused (15 minutes
 * by default). A changed character, another environment or agent, a second use or an expired grant
 * finds no grant.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requestId the request the person answered
 * @param bindingHash the {@linkplain #bindingHash(ToolCall) hash} of the call it lets run
 * @param maxRows the most rows the call may change (the lower of the ceiling asked for and the
 *     approver's), or {@code null} when no ceiling was asked for or given
 * @param approvedBy who approved
 * @param comment what they said, or {@code null}
 * @param approvedAt when they approved
 * @param expiresAt when the grant lapses unused
 */
public record ApprovalGrant(
    String requestId,
    String bindingHash,
    Long maxRows,
    String approvedBy,
    String comment,
    Instant approvedAt,
    Instant expiresAt) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException if {@code maxRows} is negative
   */
  public ApprovalGrant {
    Objects.requireNonNull(requestId, "requestId must not be null");
    Objects.requireNonNull(bindingHash, "bindingHash must not be null");
    Objects.requireNonNull(approvedBy, "approvedBy must not be null");
    Objects.requireNonNull(approvedAt, "approvedAt must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
    if (maxRows != null && maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative, but was " + maxRows);
    }
  }

  /**
   * The hash a grant is bound to: SHA-256 (lower-case hex) over the canonical JSON ({@link
   * CanonicalJson}) of the call's tool, all its arguments, its environment and its agent. The
   * call's id, session and stated reason are not part of it: re-sending the same call is the same
   * call. Numbers count by the decimal the canonical form writes: {@code 1} and {@code 1.0}, or a
   * {@code float} and the {@code double} with the same shortest decimal, are the same argument;
   * a tool that must tell them apart should take such values as strings.
   *
   * @param call the call
   * @return 64 hex digits
   * @throws NullPointerException if {@code call} is null
   */
  public static String bindingHash(ToolCall call) {
    Objects.requireNonNull(call, "call must not be null");
    Map<String, Object> bound = new LinkedHashMap<>();
    bound.put("tool", call.tool());
    bound.put("arguments", call.arguments());
    bound.put("environment", call.environment());
    bound.put("agent", call.agent());
    return CanonicalJson.sha256(bound);
  }

  /**
   * The row ceiling approved.
   *
   * @return the ceiling, or empty when none bounds the call
   */
  public OptionalLong rowCeiling() {
    return maxRows == null ? OptionalLong.empty() : OptionalLong.of(maxRows);
  }

  /**
   * The approver's comment.
   *
   * @return the comment, or empty
   */
  public Optional<String> note() {
    return Optional.ofNullable(comment);
  }
}
