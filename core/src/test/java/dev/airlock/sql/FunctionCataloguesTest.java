package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.h2.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the three curated function catalogues ({@code functions-postgresql.tsv}, {@code
 * functions-mysql.tsv}, {@code functions-h2.tsv}) by reading the files directly, without the
 * loader: every entry line is {@code name<TAB>EFFECT<TAB>reason} with a lower-case name, a valid
 * effect and no repeated name; a few well-known functions have the expected effect; and every name
 * of the H2 catalogue is a function a real H2 knows in at least one compatibility mode.
 */
class FunctionCataloguesTest {
  static final String POSTGRESQL = "functions-postgresql.tsv";
  static final String MYSQL = "functions-mysql.tsv";
  static final String H2 = "functions-h2.tsv";

  /** Lower case, optionally qualified by a schema: {@code name} or {@code schema.name}. */
  private static final String NAME = "([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*";
  private static final Set<String> EFFECTS =
      Arrays.stream(Effect.values()).map(Enum::name).collect(Collectors.toSet());

  private static final List<String> H2_MODES = List.of("REGULAR", "LEGACY", "STRICT", "MySQL",
      "MariaDB", "PostgreSQL", "Oracle", "MSSQLServer", "DB2", "Derby", "HSQLDB");

  /** Call shapes that between them reach every kind of H2 function, aggregate, table function. */
  private static final List<String> SHAPES = List.of(
      "%s()", "%s(1)", "%s('a')", "%s(1, 1)", "%s('a', 'b')", "%s(1, 2, 3)", "%s('a', 'b', 'c')",
      "%s(1, 2, 3, 4)", "%s(1 AS INT)", "%s(1, INT)", "%s() OVER (ORDER BY 1)",
      "%s(1) OVER (ORDER BY 1)", "%s(1, 1) OVER (ORDER BY 1)", "%s(1) OVER ()",
      "%s(0.5) WITHIN GROUP (ORDER BY 1)", "%s(KEY 'a' VALUE 1)",
      "* FROM %s(1, 2)", "* FROM %s(ARRAY[1])", "* FROM %s(A INT = (1, 2))");

  /** Errors that say nothing about whether the name is a function. */
  private static final Set<Integer> INCONCLUSIVE = Set.of(ErrorCode.FUNCTION_NOT_FOUND_1,
      ErrorCode.SYNTAX_ERROR_1, ErrorCode.SYNTAX_ERROR_2, ErrorCode.COLUMN_NOT_FOUND_1);

  /** One entry line of a curated catalogue. */
  record Entry(String name, Effect effect, String reason) {}

  @ParameterizedTest
  @ValueSource(strings = {POSTGRESQL, MYSQL, H2})
  void everyLineIsACommentOrAWellFormedEntry(String file) {
    List<String> lines = lines(file);
    assertThat(lines.get(0)).as("%s starts with a header comment", file).startsWith("#");

    Map<String, Entry> entries = entries(file);

    assertThat(entries).as("entries of %s", file).isNotEmpty();
  }

  @Test
  void mysqlSpotChecks() {
    Map<String, Entry> mysql = entries(MYSQL);

    assertThat(effect(mysql, "sleep")).isEqualTo(Effect.ADMIN);
    assertThat(effect(mysql, "benchmark")).isEqualTo(Effect.ADMIN);
    assertThat(effect(mysql, "get_lock")).isEqualTo(Effect.ADMIN);
    assertThat(effect(mysql, "release_lock")).isEqualTo(Effect.ADMIN);
    assertThat(effect(mysql, "load_file")).isEqualTo(Effect.ADMIN);
    assertThat(effect(mysql, "nextval")).isEqualTo(Effect.WRITE);
    assertThat(effect(mysql, "is_used_lock")).isEqualTo(Effect.READ);
    assertThat(effect(mysql, "concat")).isEqualTo(Effect.READ);
    assertThat(effect(mysql, "group_concat")).isEqualTo(Effect.READ);
    assertThat(effect(mysql, "json_extract")).isEqualTo(Effect.READ);
    assertThat(effect(mysql, "json_set")).isEqualTo(Effect.READ);
  }

  @Test
  void h2SpotChecks() {
    Map<String, Entry> h2 = entries(H2);

    assertThat(effect(h2, "file_write")).isEqualTo(Effect.ADMIN);
    assertThat(effect(h2, "file_read")).isEqualTo(Effect.ADMIN);
    assertThat(effect(h2, "csvread")).isEqualTo(Effect.ADMIN);
    assertThat(effect(h2, "link_schema")).isEqualTo(Effect.ADMIN);
    assertThat(effect(h2, "set")).isEqualTo(Effect.ADMIN);
    assertThat(effect(h2, "nextval")).isEqualTo(Effect.WRITE);
    assertThat(effect(h2, "upper")).isEqualTo(Effect.READ);
    assertThat(effect(h2, "truncate_value")).isEqualTo(Effect.READ);
  }

  /** CSVWRITE runs the query text it is given, and H2 lets a query insert (FINAL TABLE). */
  @Test
  void h2CsvwriteIsUnknownBecauseItRunsQueryText() {
    assertThat(effect(entries(H2), "csvwrite")).isEqualTo(Effect.UNKNOWN);
  }

  /**
   * Asks a real H2 about every name of the H2 catalogue, in every compatibility mode, under
   * EXPLAIN so that nothing runs. A name is known when some call shape parses, or fails with an
   * error other than "function not found" or a syntax error (a wrong argument count or type shows
   * that the function exists). A reserved word that the grammar accepts in these places, such as
   * SELECT, would pass; a misspelt function name does not.
   */
  @Test
  void everyH2NameIsAnH2Function() throws SQLException {
    List<Connection> modes = new ArrayList<>();
    try {
      for (String mode : H2_MODES) {
        modes.add(DriverManager.getConnection("jdbc:h2:mem:;MODE=" + mode));
      }
      List<String> unknown = new ArrayList<>();
      for (String name : entries(H2).keySet()) {
        if (!knownToH2(modes, name)) {
          unknown.add(name);
        }
      }

      assertThat(unknown).as("names in %s that H2 does not know in any mode", H2).isEmpty();
    } finally {
      for (Connection c : modes) {
        c.close();
      }
    }
  }

  private static boolean knownToH2(List<Connection> modes, String name) throws SQLException {
    for (Connection c : modes) {
      for (String shape : SHAPES) {
        try (Statement s = c.createStatement()) {
          s.executeQuery("EXPLAIN SELECT " + String.format(shape, name)).close();
          return true;
        } catch (SQLException e) {
          if (!INCONCLUSIVE.contains(e.getErrorCode())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Effect effect(Map<String, Entry> entries, String name) {
    assertThat(entries).as("entries").containsKey(name);
    return entries.get(name).effect();
  }

  /**
   * Parses a curated catalogue of this package, asserting that every line is a comment, blank, or
   * a well-formed entry whose name is not repeated.
   *
   * @param file the file name, e.g. {@code functions-h2.tsv}
   * @return the entries by name, in file order
   */
  static Map<String, Entry> entries(String file) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    List<String> lines = lines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + (i + 1);
      String[] fields = line.split("\t", -1);
      assertThat(fields).as("%s has three tab-separated fields: %s", where, line).hasSize(3);
      assertThat(fields[0]).as("%s name", where).matches(NAME);
      assertThat(fields[1]).as("%s effect", where).isIn(EFFECTS);
      assertThat(fields[2]).as("%s reason", where).isNotBlank().isEqualTo(fields[2].strip());
      Entry previous =
          entries.put(fields[0], new Entry(fields[0], Effect.valueOf(fields[1]), fields[2]));
      assertThat(previous).as("%s repeats the name %s", where, fields[0]).isNull();
    }
    return entries;
  }

  /** The lines of a resource of this package. */
  static List<String> lines(String file) {
    try (InputStream in = FunctionCataloguesTest.class.getResourceAsStream(file)) {
      assertThat(in).as("resource %s", file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
