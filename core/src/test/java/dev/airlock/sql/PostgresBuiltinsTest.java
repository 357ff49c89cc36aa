package dev.airlock.sql;

import static dev.airlock.sql.FunctionCataloguesTest.POSTGRESQL;
import static dev.airlock.sql.FunctionCataloguesTest.entries;
import static dev.airlock.sql.FunctionCataloguesTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import dev.airlock.sql.FunctionCataloguesTest.Entry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the PostgreSQL function catalogues against a real PostgreSQL 14 (embedded, one server for
 * the class): {@code postgresql-builtins.tsv} is exactly what {@link PostgresBuiltinsGenerator}
 * produces; every built-in named in {@code functions-postgresql.tsv} exists, and every volatile
 * built-in was reviewed there; every extension function it names exists once its extension is
 * created; and well-known functions have the expected effect.
 */
class PostgresBuiltinsTest {
  /** Reason prefix of a curated name that is not a PostgreSQL 14 built-in. */
  private static final Pattern NOT_BUILTIN =
      Pattern.compile("^(?:extension ([a-z_0-9-]+)|PostgreSQL \\d+\\+):");

  private static EmbeddedPostgres pg;
  private static String generated;

  @BeforeAll
  static void startServerAndGenerate() throws IOException, SQLException {
    pg = EmbeddedPostgres.builder().start();
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      generated = PostgresBuiltinsGenerator.generate(c);
    }
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void committedBuiltinsAreWhatTheGeneratorProduces() {
    List<String> committed = lines("postgresql-builtins.tsv");
    List<String> expected = generated.lines().toList();
    List<String> onlyCommitted = new ArrayList<>(committed);
    onlyCommitted.removeAll(expected);
    List<String> onlyGenerated = new ArrayList<>(expected);
    onlyGenerated.removeAll(committed);

    assertThat(committed.equals(expected))
        .as("postgresql-builtins.tsv is out of date (lines only in the file: %s; lines only in"
                + " the generator's output: %s); regenerate it from the project root with%n  %s",
            first(onlyCommitted), first(onlyGenerated), PostgresBuiltinsGenerator.COMMAND)
        .isTrue();
  }

  @Test
  void everyCuratedBuiltinExists() {
    Map<String, Character> builtins = builtins();
    List<String> missing = new ArrayList<>();
    List<String> wronglyMarked = new ArrayList<>();
    for (Entry e : entries(POSTGRESQL).values()) {
      boolean builtin = builtins.containsKey(e.name());
      if (NOT_BUILTIN.matcher(e.reason()).find()) {
        if (builtin) {
          wronglyMarked.add(e.name());
        }
      } else if (!builtin) {
        missing.add(e.name());
      }
    }

    assertThat(missing).as("curated names that are not PostgreSQL 14 built-ins").isEmpty();
    assertThat(wronglyMarked).as("built-ins whose reason says they are not").isEmpty();
  }

  @Test
  void everyVolatileBuiltinWasReviewed() {
    Set<String> curated = entries(POSTGRESQL).keySet();
    Set<String> unreviewed = new TreeSet<>();
    builtins().forEach((name, volatility) -> {
      if (volatility == 'v' && !curated.contains(name)) {
        unreviewed.add(name);
      }
    });

    assertThat(unreviewed).as("volatile built-ins missing from %s", POSTGRESQL).isEmpty();
  }

  @Test
  void everyCuratedExtensionFunctionExists() throws SQLException {
    Map<String, Set<String>> byExtension = new TreeMap<>();
    for (Entry e : entries(POSTGRESQL).values()) {
      Matcher m = NOT_BUILTIN.matcher(e.reason());
      if (m.find() && m.group(1) != null) {
        byExtension.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(e.name());
      }
    }
    Set<String> functions = new TreeSet<>();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE extensions");
    }
    try (Connection c = pg.getDatabase("postgres", "extensions").getConnection();
        Statement s = c.createStatement()) {
      for (String extension : byExtension.keySet()) {
        s.execute("CREATE EXTENSION IF NOT EXISTS \"" + extension + "\" CASCADE");
      }
      try (ResultSet rs = s.executeQuery("SELECT proname FROM pg_catalog.pg_proc")) {
        while (rs.next()) {
          functions.add(rs.getString(1));
        }
      }
    }

    List<String> missing = new ArrayList<>();
    byExtension.forEach((extension, names) -> names.stream()
        .filter(name -> !functions.contains(name))
        .forEach(name -> missing.add(extension + ": " + name)));

    assertThat(missing).as("curated extension functions that their extension lacks").isEmpty();
  }

  @Test
  void curatedSpotChecks() {
    Map<String, Entry> curated = entries(POSTGRESQL);

    assertThat(curated.get("nextval").effect()).isEqualTo(Effect.WRITE);
    assertThat(curated.get("setval").effect()).isEqualTo(Effect.WRITE);
    assertThat(curated.get("txid_current").effect()).isEqualTo(Effect.WRITE);
    assertThat(curated.get("pg_current_xact_id").effect()).isEqualTo(Effect.WRITE);
    assertThat(curated.get("pg_sleep").effect()).isEqualTo(Effect.ADMIN);
    assertThat(curated.get("set_config").effect()).isEqualTo(Effect.ADMIN);
    assertThat(curated.get("pg_terminate_backend").effect()).isEqualTo(Effect.ADMIN);
    assertThat(curated.get("lo_import").effect()).isEqualTo(Effect.ADMIN);
    assertThat(curated.get("pg_advisory_lock").effect()).isEqualTo(Effect.ADMIN);
    assertThat(curated.get("pg_read_file").effect()).isEqualTo(Effect.ADMIN);
    assertThat(curated.get("query_to_xml").effect()).isEqualTo(Effect.UNKNOWN);
    assertThat(curated.get("random").effect()).isEqualTo(Effect.READ);
    assertThat(curated.get("currval").effect()).isEqualTo(Effect.READ);
  }

  @Test
  void builtinsAreReadUnlessCurated() {
    Map<String, Character> builtins = builtins();
    Map<String, Entry> curated = entries(POSTGRESQL);

    assertThat(builtins).containsKeys("upper", "count", "pg_get_viewdef", "format", "xpath",
        "pg_column_size", "pg_relation_filenode", "pg_visible_in_snapshot", "pg_backend_pid");
    assertThat(curated).doesNotContainKeys("upper", "count", "pg_get_viewdef", "format", "xpath",
        "pg_column_size", "pg_relation_filenode", "pg_visible_in_snapshot", "pg_backend_pid");
  }

  /** The first few lines of a list, for a readable failure message. */
  private static String first(List<String> lines) {
    return lines.size() <= 5 ? lines.toString() : lines.subList(0, 5) + " and " + (lines.size() - 5)
        + " more";
  }

  /** Volatility of each generated built-in, by lower-case name. */
  private static Map<String, Character> builtins() {
    Map<String, Character> builtins = new TreeMap<>();
    for (String line : generated.lines().toList()) {
      if (!line.startsWith("#")) {
        String[] fields = line.split("\t");
        builtins.put(fields[0].toLowerCase(Locale.ROOT), fields[1].charAt(0));
      }
    }
    return builtins;
  }
}
