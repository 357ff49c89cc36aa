package dev.airlock;

import dev.airlock.sql.SqlDialect;
import java.util.Optional;

/**
 * A system an agent's tools reach, such as a database, declared once on {@link Airlock.Builder}.
 *
 * <p>The environment of a call is bound where the application registers the tool or its data
 * source, never taken from the model's arguments. A call naming an environment that was not
 * declared is denied ({@link ReasonCode#UNKNOWN_ENVIRONMENT}).
 *
 * <pre>{@code
 * Environment prod = Environment.production("orders-db");               // PostgreSQL
 * Environment dev = Environment.development("orders-dev").withDialect(SqlDialect.H2);
 * Environment replica = Environment.replica("orders-replica", "orders-db"); // copies orders-db
 * Environment staging = Environment.staging("orders-staging", "orders-db"); // mirrors orders-db
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the unique name calls refer to, e.g. {@code "orders-db"}
 * @param tier the tier, which decides the default rules
 * @param dialect the SQL dialect of the environment's database
 * @param mirrors for a {@link Tier#REPLICA} or a {@link Tier#STAGING} environment, the name of the
 *     production environment it copies, or null (see {@link #mirrorOf()}); {@link
 *     Airlock.Builder#build()} checks that it names a declared production environment
 */
public record Environment(String name, Tier tier, SqlDialect dialect, String mirrors) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code name}, {@code tier} or {@code dialect} is null
   * @throws IllegalArgumentException if {@code name} is blank, or {@code mirrors} is blank, names
   *     the environment itself, or is given for a tier other than REPLICA or STAGING
   */
  public Environment {
    Checks.notBlank(name, "name");
    Checks.notNull(tier, "tier");
    Checks.notNull(dialect, "dialect");
    Checks.nullOrNotBlank(mirrors, "mirrors");
    if (mirrors != null && tier != Tier.REPLICA && tier != Tier.STAGING) {
      throw new IllegalArgumentException("only a REPLICA or STAGING environment copies another,"
          + " but " + tier + " environment '" + name + "' names '" + mirrors + "'");
    }
    if (name.equals(mirrors)) {
      throw new IllegalArgumentException("environment '" + name + "' cannot copy itself");
    }
  }

  /**
   * An environment that copies no other.
   *
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public Environment(String name, Tier tier, SqlDialect dialect) {
    this(name, tier, dialect, null);
  }

  /**
   * A read-only replica of a production environment on PostgreSQL: a {@link
   * dev.airlock.jdbc.GuardedDataSource} of the production environment may run its reads there.
   *
   * @param name the replica's name
   * @param production the name of the production environment it replicates
   * @return the environment
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a name is blank, or both are the same
   */
  public static Environment replica(String name, String production) {
    return new Environment(name, Tier.REPLICA, SqlDialect.POSTGRESQL,
        Checks.notNull(production, "production"));
  }

  /**
   * The production environment this one copies, for a replica or a staging mirror.
   *
   * @return the production environment's name, or empty
   */
  public Optional<String> mirrorOf() {
    return Optional.ofNullable(mirrors);
  }

  /**
   * A production environment on PostgreSQL.
   *
   * @param name the environment's name
   * @return the environment
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Environment production(String name) {
    return new Environment(name, Tier.PRODUCTION, SqlDialect.POSTGRESQL);
  }

  /**
   * A staging environment on PostgreSQL.
   *
   * @param name the environment's name
   * @return the environment
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Environment staging(String name) {
    return new Environment(name, Tier.STAGING, SqlDialect.POSTGRESQL);
  }

  /**
   * A staging environment on PostgreSQL that mirrors a production environment: a production-size
   * copy where destructive statements are tried before they may run on production (the
   * staging-first policy, {@link dev.airlock.policy.StagingFirst}).
   *
   * @param name the staging environment's name
   * @param production the name of the production environment it mirrors
   * @return the environment
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a name is blank, or both are the same
   */
  public static Environment staging(String name, String production) {
    return new Environment(name, Tier.STAGING, SqlDialect.POSTGRESQL,
        Checks.notNull(production, "production"));
  }

  /**
   * A development environment on PostgreSQL.
   *
   * @param name the environment's name
   * @return the environment
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Environment development(String name) {
    return new Environment(name, Tier.DEVELOPMENT, SqlDialect.POSTGRESQL);
  }

  /**
   * A read-only replica on PostgreSQL.
   *
   * @param name the environment's name
   * @return the environment
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static Environment replica(String name) {
    return new Environment(name, Tier.REPLICA, SqlDialect.POSTGRESQL);
  }

  /**
   * Returns a copy of this environment with another SQL dialect.
   *
   * @param dialect the dialect of the environment's database
   * @return the copy
   * @throws NullPointerException if {@code dialect} is null
   */
  public Environment withDialect(SqlDialect dialect) {
    return new Environment(name, tier, dialect, mirrors);
  }
}
