package dev.airlock.policy;

import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.RowEstimate;
import dev.airlock.Tier;
import dev.airlock.ToolCall;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The policy that bounds how many rows a SQL write may touch, per {@link Tier} and, where the
 * application says so, per environment. It judges the rows a {@link dev.airlock.RowCounter} found
 * before the vote (the exact count where there is one, else the plan estimate), so "clean up old
 * records" cannot become an unbounded DELETE.
 *
 * <p>Each tier has two thresholds: above the first, a person must approve; above the second, the
 * call is denied ({@code ROW_ESTIMATE_TOO_HIGH}). A write allowed without approval gets the first
 * threshold as its row ceiling, and one sent for approval the counted rows: the execution rolls
 * back a write that changes more ({@code ROW_LIMIT_EXCEEDED}). The {@linkplain #defaults()
 * defaults}, which every {@link dev.airlock.Airlock} applies unless it is given a {@code RowLimit}
 * of its own:
 *
 * <table>
 *   <caption>Default thresholds per tier</caption>
 *   <tr><th>tier</th><th>needs approval above</th><th>denied above</th></tr>
 *   <tr><td>PRODUCTION</td><td>0 rows</td><td>10,000 rows</td></tr>
 *   <tr><td>STAGING</td><td>100,000 rows</td><td>—</td></tr>
 *   <tr><td>DEVELOPMENT, REPLICA</td><td>—</td><td>—</td></tr>
 * </table>
 *
 * <p>When the rows could not be estimated (the count failed or ran out of time), a tier with
 * thresholds sends the call to a person ({@code ROW_ESTIMATE_UNAVAILABLE}). A call whose rows were
 * not estimated at all (not SQL, a read, or not run through a counting data source) gets no vote.
 *
 * <pre>{@code
 * RowLimit limits = RowLimit.builder()
 *     .tier(Tier.STAGING, 1_000, 500_000)
 *     .environment("orders-db", 0, 100)
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RowLimit implements Policy {
  private static final String NAME = "row-limit";
  private static final RowLimit DEFAULTS = builder().build();

  private final Map<Tier, Thresholds> byTier;
  private final Map<String, Thresholds> byEnvironment;

  private RowLimit(Map<Tier, Thresholds> byTier, Map<String, Thresholds> byEnvironment) {
    this.byTier = byTier;
    this.byEnvironment = byEnvironment;
  }

  /**
   * Returns the defaults described above.
   *
   * @return the default row limits
   */
  public static RowLimit defaults() {
    return DEFAULTS;
  }

  /**
   * Starts from the defaults and overrides tiers or environments.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The threshold under which a write runs without approval on this environment: the ceiling of
   * such a write.
   *
   * @param environment the environment
   * @return the threshold, or empty when this environment has none
   * @throws NullPointerException if {@code environment} is null
   */
  public OptionalLong approvalThreshold(Environment environment) {
    Thresholds t = thresholds(Objects.requireNonNull(environment, "environment"));
    return t.approvalAbove == null ? OptionalLong.empty() : OptionalLong.of(t.approvalAbove);
  }

  @Override
  public Vote vote(ToolCall call, PolicyContext context) {
    if (context.rows().isEmpty()) {
      return Vote.abstain();
    }
    Thresholds t = thresholds(context.environment());
    if (t.approvalAbove == null && t.denyAbove == null) {
      return Vote.abstain();
    }
    RowEstimate estimate = context.rows().get();
    String where = "on " + context.environment().tier().name().toLowerCase(java.util.Locale.ROOT)
        + " environment '" + context.environment().name() + "'";
    OptionalLong counted = estimate.rows();
    if (counted.isEmpty()) {
      Vote vote = Vote.needsApproval(ReasonCode.ROW_ESTIMATE_UNAVAILABLE,
          "the rows this statement would touch " + where + " could not be estimated ("
              + String.join("; ", estimate.notes()) + "), so a person must approve it");
      // Unknown rows are still never more than the tier ever allows.
      return t.denyAbove == null ? vote : vote.withRowCeiling(t.denyAbove);
    }
    long rows = counted.getAsLong();
    if (t.denyAbove != null && rows > t.denyAbove) {
      return Vote.deny(ReasonCode.ROW_ESTIMATE_TOO_HIGH, "the statement would touch "
          + estimate.describe() + ", more than the " + t.denyAbove + " allowed " + where
          + "; split it into smaller batches or ask a person to run it");
    }
    if (t.approvalAbove != null && rows > t.approvalAbove) {
      return Vote.needsApproval(ReasonCode.ROW_ESTIMATE_NEEDS_APPROVAL, "the statement would touch "
          + estimate.describe() + ", more than the " + t.approvalAbove + " that run without a"
          + " person's approval " + where).withRowCeiling(rows);
    }
    Vote allow = Vote.allow(ReasonCode.ROW_ESTIMATE_WITHIN_LIMIT, "the statement would touch "
        + estimate.describe() + ", within the limits " + where);
    Long ceiling = t.approvalAbove != null ? t.approvalAbove : t.denyAbove;
    return ceiling == null ? allow : allow.withRowCeiling(ceiling);
  }

  private Thresholds thresholds(Environment environment) {
    Thresholds byName = byEnvironment.get(environment.name());
    return byName != null ? byName : byTier.get(environment.tier());
  }

  @Override
  public String toString() {
    return "RowLimit" + byTier + (byEnvironment.isEmpty() ? "" : " " + byEnvironment);
  }

  private record Thresholds(Long approvalAbove, Long denyAbove) {
    @Override
    public String toString() {
      return "{approval above " + (approvalAbove == null ? "-" : approvalAbove) + ", denied above "
          + (denyAbove == null ? "-" : denyAbove) + "}";
    }
  }

  /** Builds a {@link RowLimit} from the defaults. Not thread-safe. */
  public static final class Builder {
    private final Map<Tier, Thresholds> byTier = new EnumMap<>(Tier.class);
    private final Map<String, Thresholds> byEnvironment = new HashMap<>();

    private Builder() {
      byTier.put(Tier.PRODUCTION, new Thresholds(0L, 10_000L));
      byTier.put(Tier.STAGING, new Thresholds(100_000L, null));
      byTier.put(Tier.DEVELOPMENT, new Thresholds(null, null));
      byTier.put(Tier.REPLICA, new Thresholds(null, null));
    }

    /**
     * Sets the thresholds of a tier.
     *
     * @param tier the tier
     * @param approvalAbove rows above which a person must approve, or -1 for no such threshold
     * @param denyAbove rows above which the call is denied, or -1 for no such threshold
     * @return this builder
     * @throws NullPointerException if {@code tier} is null
     * @throws IllegalArgumentException if a threshold is below -1, or the denial threshold is
     *     below the approval one
     */
    public Builder tier(Tier tier, long approvalAbove, long denyAbove) {
      byTier.put(Objects.requireNonNull(tier, "tier"), thresholds(approvalAbove, denyAbove));
      return this;
    }

    /**
     * Sets the thresholds of one environment, overriding its tier's.
     *
     * @param environment the environment's name
     * @param approvalAbove rows above which a person must approve, or -1 for no such threshold
     * @param denyAbove rows above which the call is denied, or -1 for no such threshold
     * @return this builder
     * @throws NullPointerException if {@code environment} is null
     * @throws IllegalArgumentException if the name is blank, a threshold is below -1, or the
     *     denial threshold is below the approval one
     */
    public Builder environment(String environment, long approvalAbove, long denyAbove) {
      Objects.requireNonNull(environment, "environment");
      if (environment.isBlank()) {
        throw new IllegalArgumentException("environment must not be blank");
      }
      byEnvironment.put(environment, thresholds(approvalAbove, denyAbove));
      return this;
    }

    private static Thresholds thresholds(long approvalAbove, long denyAbove) {
      if (approvalAbove < -1 || denyAbove < -1) {
        throw new IllegalArgumentException("thresholds are rows (0 or more) or -1 for none, but"
            + " were " + approvalAbove + " and " + denyAbove);
      }
      if (approvalAbove >= 0 && denyAbove >= 0 && denyAbove < approvalAbove) {
        throw new IllegalArgumentException("the denial threshold " + denyAbove
            + " is below the approval threshold " + approvalAbove);
      }
      return new Thresholds(approvalAbove < 0 ? null : approvalAbove,
          denyAbove < 0 ? null : denyAbove);
    }

    /**
     * Builds the policy.
     *
     * @return the row limits
     */
    public RowLimit build() {
      return new RowLimit(new EnumMap<>(byTier), Map.copyOf(byEnvironment));
    }
  }
}
