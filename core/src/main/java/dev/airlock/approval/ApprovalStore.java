package dev.airlock.approval;

import dev.airlock.StagingRun;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where Airlock keeps approval requests, their grants and the staging runs, so that an approval
 * survives a restart and is shared by every instance that uses the same store.
 *
 * <p>Every change of status is a conditional change, made only from the status it expects: of two
 * instances deciding or using the same request at once, exactly one succeeds, and the other is
 * told so ({@link #decide} returns empty, {@link #use} returns {@code false}). Time is always
 * passed in, from the Airlock's {@link java.time.Clock}.
 *
 * <p>Two implementations ship: {@link #inMemory()} for one process, and {@link JdbcApprovalStore}
 * (PostgreSQL and H2) for many. A method that cannot reach its storage throws {@link
 * ApprovalStoreException}, and Airlock then refuses what needed the store (fail closed).
 *
 * <p>Implementations must be thread-safe.
 */
public interface ApprovalStore {

  /**
   * Saves a new request, waiting for a person.
   *
   * @param pending the request, status {@link ApprovalStatus#PENDING}
   * @throws NullPointerException if {@code pending} is null
   * @throws IllegalArgumentException if it is not pending
   * @throws IllegalStateException if a request with its id exists
   * @throws ApprovalStoreException if the store cannot be written
   */
  void create(ApprovalRecord pending);

  /**
   * Returns a request by its id, in whatever status.
   *
   * @param requestId the id
   * @return the request, or empty if there is none of that id
   * @throws NullPointerException if {@code requestId} is null
   * @throws ApprovalStoreException if the store cannot be read
   */
  Optional<ApprovalRecord> find(String requestId);

  /**
   * Returns the request for a call that is still open at {@code now}: an approved grant not yet
   * used if there is one, else the newest pending request; never an expired one.
   *
   * @param bindingHash {@link ApprovalGrant#bindingHash(dev.airlock.ToolCall)} of the call
   * @param now the current time
   * @return the open request, or empty
   * @throws NullPointerException if an argument is null
   * @throws ApprovalStoreException if the store cannot be read
   */
  Optional<ApprovalRecord> findOpen(String bindingHash, Instant now);

  /**
   * Returns every request waiting for a person at {@code now}, oldest first.
   *
   * @param now the current time
   * @return the pending requests that have not expired
   * @throws NullPointerException if {@code now} is null
   * @throws ApprovalStoreException if the store cannot be read
   */
  List<ApprovalRecord> pending(Instant now);

  /**
   * Records a person's decision, if the request is still pending and unexpired at {@code at}: an
   * approval makes it {@link ApprovalStatus#APPROVED} with {@code grantedMaxRows} and a new
   * expiry, {@code grantExpiresAt}; a rejection makes it {@link ApprovalStatus#REJECTED}.
   *
   * @param requestId the request
   * @param decision the person's decision
   * @param grantedMaxRows for an approval, the ceiling granted, or {@code null}
   * @param at when they decided
   * @param grantExpiresAt for an approval, when the grant lapses unused
   * @return the request as decided, or empty if it was not pending (unknown, decided already,
   *     or expired)
   * @throws NullPointerException if a required argument is null
   * @throws ApprovalStoreException if the store cannot be written
   */
  Optional<ApprovalRecord> decide(String requestId, ApprovalDecision decision,
      Long grantedMaxRows, Instant at, Instant grantExpiresAt);

  /**
   * Uses a grant once: an approved, unexpired request becomes {@link ApprovalStatus#USED}, in one
   * atomic step of the store. Of any number of callers racing for one grant, exactly one gets
   * {@code true}.
   *
   * @param requestId the request
   * @param at when it is used
   * @return whether this caller used it; {@code false} if it was not approved, was used already,
   *     or expired
   * @throws NullPointerException if an argument is null
   * @throws ApprovalStoreException if the store cannot be written
   */
  boolean use(String requestId, Instant at);

  /**
   * Marks every pending or approved request whose expiry is at or before {@code now} as {@link
   * ApprovalStatus#EXPIRED}.
   *
   * @param now the current time
   * @return the requests this call expired, as they are now; each is returned to one caller only
   * @throws NullPointerException if {@code now} is null
   * @throws ApprovalStoreException if the store cannot be written
   */
  List<ApprovalRecord> expire(Instant now);

  /**
   * Records a successful run of a statement on a staging mirror.
   *
   * @param run the run
   * @throws NullPointerException if {@code run} is null
   * @throws ApprovalStoreException if the store cannot be written
   */
  void recordStagingRun(StagingRun run);

  /**
   * Returns the newest successful run of a statement on a staging environment at or after {@code
   * since}.
   *
   * @param stagingEnvironment the staging environment
   * @param statementSha256 the statement's hash
   * @param since the start of the window
   * @return the newest such run, or empty
   * @throws NullPointerException if an argument is null
   * @throws ApprovalStoreException if the store cannot be read
   */
  Optional<StagingRun> lastStagingRun(String stagingEnvironment, String statementSha256,
      Instant since);

  /**
   * A store held in this process's memory: approvals do not survive a restart and are not shared
   * with other instances.
   *
   * @return a new, empty store
   */
  static ApprovalStore inMemory() {
    return new InMemoryApprovalStore();
  }
}
