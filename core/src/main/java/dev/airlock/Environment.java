package dev.airlock;

import dev.airlock.sql.SqlDialect;

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
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the unique name calls refer to, e.g. {@code "orders-db"}
 * @param tier the tier, which decides the default rules
 * @param dialect the SQL dialect of the environment's database
 */
public record Environment(String name, Tier tier, SqlDialect dialect) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public Environment {
    Checks.notBlank(name, "name");
    Checks.notNull(tier, "tier");
    Checks.notNull(dialect, "dialect");
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
    return new Environment(name, tier, dialect);
  }
}
