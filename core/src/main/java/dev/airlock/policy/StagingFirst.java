package dev.airlock.policy;

import dev.airlock.Effect;
import dev.airlock.ReasonCode;
import dev.airlock.StagingRun;
import dev.airlock.Tier;
import dev.airlock.ToolCall;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The staging-first policy: a {@link Effect#DESTRUCTIVE} SQL statement on a production environment
 * is denied ({@code STAGING_RUN_REQUIRED}) unless the same statement — the SHA-256 of its exact text
 * and bind parameters — ran successfully on a staging environment that mirrors that production
 * ({@link dev.airlock.Environment#staging(String, String)}) within the window (24 hours by
 * default). Once it has, the policy sends the call to a person ({@code STAGING_RUN_FOUND}), and the
 * approval request shows the rows the staging run changed beside the production estimate. When the
 * production estimate is more than the ratio (10 by default) times the staging count, the request
 * says so ({@code STAGING_ROWS_DIFFER}): the copy may not be production-size, or the statement
 * finds other rows there.
 *
 * <p>Airlock finds the staging evidence itself (the runs are kept in its {@link
 * dev.airlock.approval.ApprovalStore}) and hands it over in {@link PolicyContext#staging()}; every
 * {@link dev.airlock.Airlock} applies {@link #defaults()} unless it is given a {@code StagingFirst}
 * of its own. {@link #notRequired()} switches the rule off for teams without a staging copy.
 *
 * <pre>{@code
 * Airlock.builder()
 *     .environment(Environment.production("orders-db"))
 *     .environment(Environment.staging("orders-staging", "orders-db"))
 *     .policy(StagingFirst.builder().window(Duration.ofHours(4)).ratio(2).build())
 * }</pre>
 *
 * <p>The policy abstains on every other call. Instances are immutable and thread-safe.
 */
public final class StagingFirst implements Policy {
  private static final String NAME = "staging-first";
  private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
  private static final double DEFAULT_RATIO = 10;
  private static final StagingFirst DEFAULTS = new StagingFirst(DEFAULT_WINDOW, DEFAULT_RATIO, true);
  private static final StagingFirst NOT_REQUIRED =
      new StagingFirst(DEFAULT_WINDOW, DEFAULT_RATIO, false);

  private final Duration window;
  private final double ratio;
  private final boolean required;

  private StagingFirst(Duration window, double ratio, boolean required) {
    this.window = window;
    this.ratio = ratio;
    this.required = required;
  }

  /**
   * Returns the defaults: a staging run within 24 hours is required, and a production estimate
   * more than 10 times the staging count is flagged.
   *
   * @return the default policy
   */
  public static StagingFirst defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a policy that never requires a staging run (it abstains on every call), to replace
   * the default where there is no staging copy. Destructive statements on production still need a
   * person's approval under the default effect rules.
   *
   * @return the policy that requires nothing
   */
  public static StagingFirst notRequired() {
    return NOT_REQUIRED;
  }

  /**
   * Starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How long a staging run counts as evidence.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Vote vote(ToolCall call, PolicyContext context) {
    if (!required || context.effect() != Effect.DESTRUCTIVE || context.sql().isEmpty()
        || context.environment().tier() != Tier.PRODUCTION) {
      return Vote.abstain();
    }
    String production = context.environment().name();
    StagingRun run = context.staging().orElse(null);
    if (run == null || run.ranAt().isBefore(context.now().minus(window))) {
      String last = run == null ? "" : " (the last one, on '" + run.stagingEnvironment() + "' at "
          + run.ranAt() + ", is older than " + windowText() + ")";
      return Vote.deny(ReasonCode.STAGING_RUN_REQUIRED, "this destructive statement has not run"
          + " successfully on a staging environment that mirrors '" + production + "' within the"
          + " last " + windowText() + last + "; run the exact same statement there"
          + " first (declare one with Environment.staging(name, \"" + production + "\") if there"
          + " is none)");
    }
    String ran = "the same statement ran on staging '" + run.stagingEnvironment() + "' at "
        + run.ranAt() + ", changing " + (run.rowsChanged() < 0 ? "an unreported number of"
        : String.valueOf(run.rowsChanged())) + " rows";
    OptionalLong estimate = context.rows().isPresent() ? context.rows().get().rows()
        : OptionalLong.empty();
    if (estimate.isPresent() && run.rowsChanged() >= 0
        && estimate.getAsLong() > ratio * Math.max(1, run.rowsChanged())) {
      return Vote.needsApproval(ReasonCode.STAGING_ROWS_DIFFER, ran + ", but production would"
          + " touch " + estimate.getAsLong() + " rows, more than " + formatRatio() + " times as"
          + " many: the staging copy may not be production-size, or the statement finds other"
          + " rows on production");
    }
    return Vote.needsApproval(ReasonCode.STAGING_RUN_FOUND, ran + (estimate.isPresent()
        ? "; production would touch " + estimate.getAsLong() + " rows" : "")
        + "; a person must still approve it on production");
  }

  /** "24 h", or "90 min" for a window that is not whole hours. */
  private String windowText() {
    return window.toMinutes() % 60 == 0 ? window.toHours() + " h" : window.toMinutes() + " min";
  }

  private String formatRatio() {
    return ratio == Math.rint(ratio) ? String.valueOf((long) ratio) : String.valueOf(ratio);
  }

  @Override
  public String toString() {
    return required ? "StagingFirst[window=" + window + ", ratio=" + formatRatio() + "]"
        : "StagingFirst[not required]";
  }

  /** Builds a {@link StagingFirst}. Not thread-safe. */
  public static final class Builder {
    private Duration window = DEFAULT_WINDOW;
    private double ratio = DEFAULT_RATIO;

    private Builder() {}

    /**
     * Sets how long a staging run counts as evidence; 24 hours by default.
     *
     * @param window from 1 minute to 30 days
     * @return this builder
     * @throws NullPointerException if {@code window} is null
     * @throws IllegalArgumentException if {@code window} is outside that range
     */
    public Builder window(Duration window) {
      Objects.requireNonNull(window, "window must not be null");
      if (window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException("window must be from 1 minute to 30 days, but was "
            + window);
      }
      this.window = window;
      return this;
    }

    /**
     * Sets how many times the staging count the production estimate may be before the request
     * flags it; 10 by default.
     *
     * @param ratio at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code ratio} is below 1 or not a number
     */
    public Builder ratio(double ratio) {
      if (!(ratio >= 1) || Double.isInfinite(ratio)) {
        throw new IllegalArgumentException("ratio must be a finite number of at least 1, but was "
            + ratio);
      }
      this.ratio = ratio;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public StagingFirst build() {
      return new StagingFirst(window, ratio, true);
    }
  }
}
