package dev.airlock.sql;

/**
 * The SQL dialect of an environment's database, which decides how its statements are read.
 *
 * <p>The same text can mean different things in two dialects ({@code --1}, {@code #}, {@code \'},
 * nested comments), so every environment names its dialect.
 *
 * <p>Immutable and thread-safe.
 */
public enum SqlDialect {
  /** PostgreSQL. */
  POSTGRESQL,
  /** MySQL 8 and MariaDB; where the two read a text differently, the more severe reading wins. */
  MYSQL,
  /** H2. */
  H2
}
