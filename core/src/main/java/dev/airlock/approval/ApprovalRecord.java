package dev.airlock.approval;

import dev.airlock.Effect;
import dev.airlock.ToolCall;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One approval request as an {@link ApprovalStore} keeps it, from the moment it is asked until it
 * is used, rejected or expired: enough to honour it after a restart and to run it again with
 * {@link dev.airlock.Airlock#resume(String)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requestId unique id of the request
 * @param bindingHash {@link ApprovalGrant#bindingHash(ToolCall)} of {@code call}
 * @param call the exact call
 * @param effect the call's effect when it was asked for
 * @param askedMaxRows the row ceiling asked for, or {@code null}
 * @param status where it stands
 * @param requestedAt when it was asked for
 * @param expiresAt while pending, when the request lapses; once approved, when the grant lapses
 * @param decidedBy who approved or rejected it, or {@code null} while pending
 * @param comment what they said, or {@code null}
 * @param grantedMaxRows the ceiling approved (the lower of the asked one and the approver's), or
 *     {@code null}
 * @param decidedAt when they decided, or {@code null} while pending
 * @param usedAt when the grant was used, or {@code null}
 */
public record ApprovalRecord(
    String requestId,
    String bindingHash,
    ToolCall call,
    Effect effect,
    Long askedMaxRows,
    ApprovalStatus status,
    Instant requestedAt,
    Instant expiresAt,
    String decidedBy,
    String comment,
    Long grantedMaxRows,
    Instant decidedAt,
    Instant usedAt) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a required component is null
   */
  public ApprovalRecord {
    Objects.requireNonNull(requestId, "requestId must not be null");
    Objects.requireNonNull(bindingHash, "bindingHash must not be null");
    Objects.requireNonNull(call, "call must not be null");
    Objects.requireNonNull(effect, "effect must not be null");
    Objects.requireNonNull(status, "status must not be null");
    Objects.requireNonNull(requestedAt, "requestedAt must not be null");
    Objects.requireNonNull(expiresAt, "expiresAt must not be null");
  }

  /**
   * A new request, waiting for a person.
   *
   * @param requestId unique id of the request
   * @param call the exact call
   * @param effect its effect
   * @param askedMaxRows the row ceiling asked for, or {@code null}
   * @param requestedAt when it is asked for
   * @param expiresAt when it lapses unanswered
   * @return the pending record
   * @throws NullPointerException if a required argument is null
   */
  public static ApprovalRecord pending(String requestId, ToolCall call, Effect effect,
      Long askedMaxRows, Instant requestedAt, Instant expiresAt) {
    return new ApprovalRecord(requestId, ApprovalGrant.bindingHash(call), call, effect,
        askedMaxRows, ApprovalStatus.PENDING, requestedAt, expiresAt, null, null, null, null,
        null);
  }

  /**
   * The grant, once a person approved the request (also after it was used or expired).
   *
   * @return the grant, or empty if the request was never approved
   */
  public Optional<ApprovalGrant> grant() {
    // A request that expired unanswered was never decided; a rejected one has no grant.
    if (decidedAt == null || decidedBy == null || status == ApprovalStatus.PENDING
        || status == ApprovalStatus.REJECTED) {
      return Optional.empty();
    }
    return Optional.of(new ApprovalGrant(requestId, bindingHash, grantedMaxRows, decidedBy,
        comment, decidedAt, expiresAt));
  }
}
