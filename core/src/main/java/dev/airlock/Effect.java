package dev.airlock;

/**
 * What a tool call does to the system it reaches, from harmless to most dangerous.
 *
 * <p>Every SQL statement gets one effect; a script gets the most severe effect of its statements.
 * A tool that is not SQL declares its effect when it is registered ({@code
 * Airlock.builder().tool("refund_order", Effect.WRITE)}); a tool that declares nothing is {@link
 * #UNKNOWN}.
 *
 * <p>Severity is explicit ({@link #severity()}), never the declaration order: from least to most
 * severe, {@code READ < WRITE < SCHEMA < DESTRUCTIVE < ADMIN < PRIVILEGE < UNKNOWN}. {@code UNKNOWN}
 * is the most severe of all, because the guard fails closed: what it cannot understand is never
 * treated better than a write.
 *
 * <p>Immutable and thread-safe.
 */
public enum Effect {
  /** Changes nothing and takes no lock beyond a normal read: SELECT, SHOW, EXPLAIN, VALUES. */
  READ(0),
  /** Changes rows, bounded by a real predicate: INSERT, UPDATE/DELETE with a selective WHERE. */
  WRITE(1),
  /** Creates or alters structure without losing data: CREATE TABLE, ALTER TABLE ADD. */
  SCHEMA(2),
  /** Loses data or structure: DROP, TRUNCATE, DELETE or UPDATE without a real WHERE. */
  DESTRUCTIVE(3),
  /** Changes the session or server, or reaches outside the database: SET, COPY, LOCK TABLE. */
  ADMIN(4),
  /** Changes who may do what: GRANT, REVOKE, CREATE ROLE. */
  PRIVILEGE(5),
  /** Could not be understood; treated as the most dangerous effect. */
  UNKNOWN(6);

  private final int severity;

  Effect(int severity) {
    this.severity = severity;
  }

  /**
   * Returns this effect's severity: higher is more dangerous. The numbers are only comparable with
   * each other; they are not a stable external representation.
   *
   * @return the severity, {@code 0} for {@link #READ} up to {@code 6} for {@link #UNKNOWN}
   */
  public int severity() {
    return severity;
  }

  /**
   * Tells whether this effect is more severe than {@code other}.
   *
   * @param other the effect to compare with
   * @return {@code true} if this effect is strictly more severe
   * @throws NullPointerException if {@code other} is null
   */
  public boolean isMoreSevereThan(Effect other) {
    return severity > Checks.notNull(other, "other").severity;
  }

  /**
   * Returns the more severe of two effects.
   *
   * @param a one effect
   * @param b another effect
   * @return {@code a} if it is at least as severe as {@code b}, else {@code b}
   * @throws NullPointerException if either is null
   */
  public static Effect mostSevere(Effect a, Effect b) {
    Checks.notNull(a, "a");
    Checks.notNull(b, "b");
    return b.isMoreSevereThan(a) ? b : a;
  }
}
