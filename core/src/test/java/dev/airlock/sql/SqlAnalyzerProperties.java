package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the analyser over generated text: it never throws; a write appended to a read is
 * never READ; case, whitespace and comments at token boundaries do not change an effect; an
 * always-true WHERE makes a DELETE DESTRUCTIVE; and the fast path never says READ where the full
 * analysis does not.
 */
class SqlAnalyzerProperties {

  private static final List<CorpusTest.Entry> ENTRIES = CorpusTest.entries();
  private static final List<CorpusTest.Entry> READS =
      ENTRIES.stream().filter(e -> e.effect() == Effect.READ).toList();

  private static final List<String> WRITES = List.of(
      "DELETE FROM payments WHERE id = 7", "DELETE FROM payments", "UPDATE tickets SET priority = 1",
      "INSERT INTO tickets (id) VALUES (9)", "DROP TABLE payments", "TRUNCATE payments",
      "GRANT ALL ON payments TO agent", "COMMIT", "CREATE TABLE x (id int)",
      "ALTER TABLE payments DROP COLUMN amount", "SELECT * FROM tickets FOR UPDATE",
      "CALL close_ticket(1)", "SET ROLE admin", "LOCK TABLE payments",
      "WITH d AS (DELETE FROM payments RETURNING id) SELECT count(*) FROM d");

  private static final List<String> SEPARATORS =
      List.of(" ", "  ", "\n", "\t", "\r\n", " /* x */ ", "/* y */", "\n/* multi\nline */\n");

  @Property(tries = 2000)
  void neverThrowsOnAnyText(@ForAll("sqlish") String text, @ForAll SqlDialect dialect) {
    SqlAnalysis analysis = CorpusTest.analyzer(dialect).analyze(text);

    assertThat(analysis.reasons()).isNotEmpty();
    assertThat(analysis.effect()).isNotNull();
  }

  @Property(tries = 500)
  void aWriteAppendedToAReadIsNeverRead(
      @ForAll("reads") CorpusTest.Entry read, @ForAll("writes") String write) {
    String text = read.sql() + "\n; " + write;

    assertThat(CorpusTest.analyzer(read.dialect()).analyze(text).effect())
        .as(text)
        .isNotEqualTo(Effect.READ);
  }

  @Property(tries = 1000)
  void caseWhitespaceAndCommentsBetweenTokensDoNotChangeTheEffect(
      @ForAll("entries") CorpusTest.Entry entry, @ForAll long seed) {
    String original = entry.sql();
    String mutated = mutate(original, entry.dialect(), new Random(seed));
    SqlAnalyzer analyzer = CorpusTest.analyzer(entry.dialect());

    assertThat(analyzer.analyze(mutated).effect())
        .as("%s%nbecame%n%s", original, mutated)
        .isEqualTo(analyzer.analyze(original).effect());
  }

  @Property(tries = 1000)
  void anAlwaysTrueWhereMakesADeleteDestructive(
      @ForAll("alwaysTrue") String predicate, @ForAll SqlDialect dialect) {
    String text = "DELETE FROM tickets WHERE " + predicate;

    assertThat(CorpusTest.analyzer(dialect).analyze(text).effect())
        .as(text)
        .isEqualTo(Effect.DESTRUCTIVE);
  }

  @Property(tries = 1000)
  void theFastPathNeverSaysReadWhereTheFullAnalysisDoesNot(
      @ForAll("queries") String query, @ForAll SqlDialect dialect) {
    assertThat(ReadProofTest.agrees(CorpusTest.analyzer(dialect), query)).as(query).isTrue();
  }

  /** Changes the case of words and puts whitespace or comments between tokens. */
  static String mutate(String sql, SqlDialect dialect, Random random) {
    List<Lexer.Statement> statements = Lexer.scan(sql, dialect);
    if (statements.size() != 1 || !statements.get(0).problems().isEmpty()) {
      return sql; // keep the property about one clean statement; offsets are per statement
    }
    Lexer.Statement statement = statements.get(0);
    int base = statement.start();
    StringBuilder out = new StringBuilder();
    int copied = 0;
    for (Token token : statement.tokens()) {
      int start = base + token.start();
      int end = base + token.end();
      out.append(sql, copied, start);
      String text = sql.substring(start, end);
      if (token.kind() == Token.Kind.WORD && !text.startsWith("_") && !text.startsWith("@")) {
        text = random.nextBoolean() ? text.toUpperCase(java.util.Locale.ROOT)
            : text.toLowerCase(java.util.Locale.ROOT);
      }
      out.append(text);
      copied = end;
      char last = text.charAt(text.length() - 1);
      if (random.nextInt(3) == 0 && last != '-' && last != '/' && end < sql.length()) {
        out.append(SEPARATORS.get(random.nextInt(SEPARATORS.size())));
      }
    }
    out.append(sql.substring(copied));
    return out.toString();
  }

  @Provide
  Arbitrary<CorpusTest.Entry> entries() {
    return Arbitraries.of(ENTRIES);
  }

  @Provide
  Arbitrary<CorpusTest.Entry> reads() {
    return Arbitraries.of(READS);
  }

  @Provide
  Arbitrary<String> writes() {
    return Arbitraries.of(WRITES);
  }

  @Provide
  Arbitrary<String> sqlish() {
    Arbitrary<String> pieces = Arbitraries.of("SELECT", "DELETE", "FROM", "WHERE", "'", "\"", "`",
        "$$", "$a$", "--", "#", "/*", "*/", "/*!", ";", "(", ")", "\\", "E'", "1=1", " ", "\n",
        "\u0000", "\u00a0", "ＳＥＬＥＣＴ", "x", "::", "->>", "?", "$1", "@a", ":=", "INTO", "FOR");
    Arbitrary<String> sequences = pieces.list().ofMaxSize(30).map(list -> String.join("", list));
    return Arbitraries.oneOf(sequences, Arbitraries.strings().ofMaxLength(200));
  }

  @Provide
  Arbitrary<String> alwaysTrue() {
    Arbitrary<String> column = Arbitraries.of("id", "priority", "subject", "t.id", "\"status\"");
    Arbitrary<Integer> number = Arbitraries.integers().between(-1000, 1000);
    Arbitrary<String> atom = Arbitraries.oneOf(
        number.map(n -> n + " = " + n),
        number.map(n -> (n + 1) + " > " + n),
        number.map(n -> n + " + 1 > " + n),
        number.map(n -> "coalesce(NULL, " + n + ") = " + n),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).map(s -> "'" + s + "' = '" + s + "'"),
        Arbitraries.of("TRUE", "NOT FALSE", "1", "NULL IS NULL", "NOT (1 = 0)"),
        column.map(c -> c + " = " + c),
        column.map(c -> c + " LIKE '%'"),
        column.map(c -> c + " IS NULL OR " + c + " IS NOT NULL"),
        Arbitraries.of("id IN (SELECT id FROM tickets)"));
    Arbitrary<String> bounded = Arbitraries.of("id = 7", "priority > 3", "subject LIKE 'a%'");
    return Combinators.combine(atom, bounded, Arbitraries.integers().between(0, 4))
        .as((taut, other, shape) -> switch (shape) {
          case 0 -> taut;
          case 1 -> "(" + taut + ")";
          case 2 -> other + " OR " + taut;
          case 3 -> taut + " OR " + other;
          default -> "NOT NOT (" + taut + ")";
        });
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> column = Arbitraries.of("id", "t.id", "amount", "\"select\"", "status", "x");
    Arbitrary<String> function = Arbitraries.of("lower", "count", "sum", "pg_sleep", "nextval",
        "my_func", "coalesce", "now", "upper", "random", "set_config", "length");
    Arbitrary<String> expression = Arbitraries.oneOf(column,
        Combinators.combine(function, column).as((f, c) -> f + "(" + c + ")"),
        Arbitraries.of("1", "'a'", "NULL", "$1", "?", "(SELECT 1)", "CASE WHEN x THEN 1 END"));
    Arbitrary<String> tail = Arbitraries.of("", " WHERE id = 1", " WHERE x", " ORDER BY 1",
        " LIMIT 5", " FOR UPDATE", " INTO y", " GROUP BY id HAVING count(*) > 1", " UNION SELECT 1",
        " WHERE id IN (SELECT id FROM u)", " JOIN u ON u.id = t.id", ", u", " t", " AS t(a)");
    return Combinators.combine(expression.list().ofMinSize(1).ofMaxSize(3), tail.list().ofMaxSize(3),
            Arbitraries.of("tickets t", "payments", "\"order\"", "(SELECT 1) s", "generate_series(1, 3) g"))
        .as((items, tails, from) -> "SELECT " + String.join(", ", items) + " FROM " + from
            + String.join("", tails));
  }

  @Property(tries = 200)
  void deepNestingIsBoundedAndNeverThrows(@ForAll @IntRange(min = 1, max = 3000) int depth,
      @ForAll SqlDialect dialect) {
    String text = "SELECT " + "(".repeat(depth) + "1" + ")".repeat(depth);

    assertThat(CorpusTest.analyzer(dialect).analyze(text).effect())
        .isIn(Effect.READ, Effect.UNKNOWN);
  }
}
