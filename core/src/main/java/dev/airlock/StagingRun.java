package dev.airlock;

import java.time.Instant;

/**
 * Evidence that a statement ran successfully on a staging environment that mirrors production:
 * what the staging-first policy ({@link dev.airlock.policy.StagingFirst}) looks for before a
 * destructive statement may be put to a person on production.
 *
 * <p>"The same statement" is {@link #statementSha256()}: the SHA-256 of its exact text and bind
 * parameters ({@link Airlock#statementSha256(String, java.util.List)}), so a changed character is
 * another statement.
 *
 * <p>Immutable and thread-safe.
 *
 * @param statementSha256 SHA-256 (lower-case hex) of the exact text and bind parameters
 * @param stagingEnvironment the staging environment it ran on
 * @param productionEnvironment the production environment that staging mirrors
 * @param rowsChanged the rows the staging run changed, or -1 when the work did not report them
 * @param ranAt when it completed
 * @param callId the id of the call that ran it
 * @param agent the agent that ran it
 */
public record StagingRun(
    String statementSha256,
    String stagingEnvironment,
    String productionEnvironment,
    long rowsChanged,
    Instant ranAt,
    String callId,
    String agent) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a text is blank, or {@code rowsChanged} is below -1
   */
  public StagingRun {
    Checks.notBlank(statementSha256, "statementSha256");
    Checks.notBlank(stagingEnvironment, "stagingEnvironment");
    Checks.notBlank(productionEnvironment, "productionEnvironment");
    Checks.notNull(ranAt, "ranAt");
    Checks.notBlank(callId, "callId");
    Checks.notBlank(agent, "agent");
    if (rowsChanged < -1) {
      throw new IllegalArgumentException("rowsChanged must be -1 (unknown) or more, but was "
          + rowsChanged);
    }
  }
}
