package dev.airlock.sql;

import dev.airlock.Effect;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which functions of a dialect are known to be read-only and which have a side effect, with the
 * effect of each. A function in neither list makes a statement at least {@link Effect#WRITE}: it
 * may write.
 *
 * <p>The shipped catalogues: for PostgreSQL every built-in of {@code pg_catalog} (generated from a
 * real server's {@code pg_proc}) is read-only unless the curated list gives it another effect
 * (sequences WRITE; sleeps, backend signals, {@code set_config}, advisory locks, large objects,
 * file access, replication, statistics resets ADMIN; functions that run a query given as text
 * UNKNOWN); for MySQL/MariaDB and H2 both lists are curated from the manuals. A team adds its own
 * functions with {@link #with(String, Effect)}:
 *
 * <pre>{@code
 * FunctionCatalog catalog = FunctionCatalog.defaults(SqlDialect.POSTGRESQL)
 *     .with("customer_display_name", Effect.READ)
 *     .with("billing.recompute_invoice", Effect.WRITE);
 * }</pre>
 *
 * <p>Names are matched case-insensitively. A call qualified with the dialect's system schema
 * ({@code pg_catalog.pg_sleep}) is the built-in; a call qualified with another schema matches only
 * an entry added with that qualification. Immutable and thread-safe.
 */
public final class FunctionCatalog {

  private static final Map<SqlDialect, FunctionCatalog> DEFAULTS = new EnumMap<>(SqlDialect.class);

  private final SqlDialect dialect;
  private final Map<String, Effect> effects;

  private FunctionCatalog(SqlDialect dialect, Map<String, Effect> effects) {
    this.dialect = dialect;
    this.effects = effects;
  }

  /**
   * The catalogue Airlock ships for a dialect.
   *
   * @param dialect the dialect
   * @return its catalogue
   * @throws NullPointerException if {@code dialect} is null
   */
  public static FunctionCatalog defaults(SqlDialect dialect) {
    Objects.requireNonNull(dialect, "dialect");
    synchronized (DEFAULTS) {
      return DEFAULTS.computeIfAbsent(dialect, FunctionCatalog::load);
    }
  }

  /**
   * A copy of this catalogue in which {@code name} has {@code effect}; use {@link Effect#READ} for
   * a function known to be read-only.
   *
   * @param name the function's name, optionally qualified with its schema ({@code billing.recompute})
   * @param effect what calling it may do
   * @return the new catalogue
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public FunctionCatalog with(String name, Effect effect) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(effect, "effect");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    Map<String, Effect> copy = new HashMap<>(effects);
    copy.put(normalize(name), effect);
    return new FunctionCatalog(dialect, copy);
  }

  /**
   * The effect of calling a function, if the catalogue knows it.
   *
   * @param name the name as called, optionally qualified
   * @return its effect, or empty for a function the catalogue does not know
   */
  public Optional<Effect> effectOf(String name) {
    return Optional.ofNullable(lookup(name));
  }

  /** The dialect this catalogue describes. */
  public SqlDialect dialect() {
    return dialect;
  }

  Effect lookup(String name) {
    // H2 upper-cases names with English rules: "fıle_write" (dotless i) is FILE_WRITE
    String normalized = dialect == SqlDialect.H2
        ? name.strip().toUpperCase(Locale.ENGLISH).toLowerCase(Locale.ROOT) : normalize(name);
    Effect effect = effects.get(normalized);
    if (effect != null) {
      return effect;
    }
    int dot = normalized.lastIndexOf('.');
    if (dot > 0 && isSystemSchema(normalized.substring(0, dot))) {
      return effects.get(normalized.substring(dot + 1));
    }
    return null;
  }

  private boolean isSystemSchema(String schema) {
    return switch (dialect) {
      case POSTGRESQL -> schema.equals("pg_catalog");
      case MYSQL -> false;
      case H2 -> schema.equals("information_schema");
    };
  }

  static String normalize(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }

  private static FunctionCatalog load(SqlDialect dialect) {
    Map<String, Effect> effects = new HashMap<>();
    String suffix = dialect.name().toLowerCase(Locale.ROOT);
    if (dialect == SqlDialect.POSTGRESQL) {
      read("postgresql-builtins.tsv", (name, second) -> effects.put(name, Effect.READ));
    }
    read("functions-" + suffix + ".tsv", (name, effect) -> effects.put(name, Effect.valueOf(effect)));
    return new FunctionCatalog(dialect, Map.copyOf(effects));
  }

  private interface Row {
    void accept(String name, String second);
  }

  private static void read(String resource, Row row) {
    try (InputStream in = FunctionCatalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Airlock's function catalogue " + resource + " is missing");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        row.accept(normalize(fields[0]), fields.length > 1 ? fields[1].strip() : "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read Airlock's function catalogue " + resource, e);
    }
  }
}
