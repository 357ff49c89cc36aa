package dev.airlock;

/**
 * The kind of an {@link Environment}, which decides the rules that apply to it by default.
 *
 * <p>The defaults of {@link dev.airlock.policy.EffectRules#defaults()}: PRODUCTION allows reads
 * and sends writes, schema changes and destructive work to a person; REPLICA allows only reads;
 * STAGING allows all but ADMIN, PRIVILEGE and UNKNOWN; DEVELOPMENT all but PRIVILEGE and UNKNOWN.
 *
 * <p>Immutable and thread-safe.
 */
public enum Tier {
  /** The live system; agents read it, and a person approves every write. */
  PRODUCTION,
  /** A production-size copy where destructive work is tried first. */
  STAGING,
  /** A developer's or test database. */
  DEVELOPMENT,
  /** A read-only copy of production, where agents' reads can run. */
  REPLICA
}
