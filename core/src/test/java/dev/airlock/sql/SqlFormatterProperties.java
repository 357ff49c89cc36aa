package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the SQL formatted for reading over generated and corpus text: it never throws
 * (checked without the safety net that returns a text unchanged), it keeps every character that is not whitespace, in order (the marker lines aside), and read again
 * by the same pre-scan it gives the same tokens, comments and separators: re-flowing changed the
 * layout only. The pre-scan reads the same statements whether or not it keeps the layout.
 */
class SqlFormatterProperties {

  private static final List<CorpusTest.Entry> ENTRIES = CorpusTest.entries();
  private static final Set<String> MARKERS = Set.of(SqlFormatter.EXECUTABLE_MARKER,
      SqlFormatter.HINT_MARKER, SqlFormatter.UNREAD_MARKER);

  @Property(tries = 2000)
  void keepsEveryCharacterOfAnyText(@ForAll String text, @ForAll SqlDialect dialect) {
    assertKeepsEveryCharacter(text, dialect);
  }

  @Property(tries = 2000)
  void keepsEveryCharacterOfSqlishText(@ForAll("sqlish") String text,
      @ForAll SqlDialect dialect) {
    assertKeepsEveryCharacter(text, dialect);
  }

  @Property(tries = 1000)
  void keepsEveryCharacterOfCorpusEntriesWithCommentsBetweenTokens(
      @ForAll("entries") CorpusTest.Entry entry, @ForAll long seed) {
    String text = SqlAnalyzerProperties.mutate(entry.sql(), entry.dialect(), new Random(seed));

    assertKeepsEveryCharacter(text, entry.dialect());
  }

  @Property(tries = 2000)
  void readingTheOutputAgainGivesTheSameTokensAndComments(@ForAll("sqlish") String text,
      @ForAll SqlDialect dialect) {
    assertSameReading(text, dialect);
  }

  @Property(tries = 1000)
  void readingFormattedCorpusEntriesAgainGivesTheSameTokensAndComments(
      @ForAll("entries") CorpusTest.Entry entry, @ForAll long seed) {
    String text = SqlAnalyzerProperties.mutate(entry.sql(), entry.dialect(), new Random(seed));

    assertSameReading(text, entry.dialect());
  }

  @Property(tries = 200)
  void theAnalyserFormatsAsTheFormatterDoes(@ForAll("sqlish") String text,
      @ForAll SqlDialect dialect) {
    assertThat(CorpusTest.analyzer(dialect).format(text))
        .isEqualTo(SqlFormatter.reflow(text, dialect));
  }

  @Property(tries = 1000)
  void readingTheOutputOfAnyTextAgainGivesTheSameTokensAndComments(@ForAll String text,
      @ForAll SqlDialect dialect) {
    assertSameReading(text, dialect);
  }

  @Property(tries = 500)
  void theLayoutReadsTheSameStatementsAsTheScan(@ForAll("sqlish") String text,
      @ForAll SqlDialect dialect) {
    List<Lexer.Statement> scanned = Lexer.scan(text, dialect);
    List<Lexer.Statement> laidOut = Lexer.layout(text, dialect).statements();

    assertThat(laidOut).hasSameSizeAs(scanned);
    for (int i = 0; i < scanned.size(); i++) {
      assertThat(laidOut.get(i).start()).isEqualTo(scanned.get(i).start());
      assertThat(laidOut.get(i).problems()).isEqualTo(scanned.get(i).problems());
      assertThat(laidOut.get(i).tokens().stream().map(t -> t.kind() + " " + t.text() + " "
          + t.start() + " " + t.spaceBefore()).toList())
          .isEqualTo(scanned.get(i).tokens().stream().map(t -> t.kind() + " " + t.text() + " "
              + t.start() + " " + t.spaceBefore()).toList());
    }
  }

  private static void assertKeepsEveryCharacter(String text, SqlDialect dialect) {
    String formatted = SqlFormatter.reflow(text, dialect);

    assertThat(nonWhitespace(withoutMarkers(formatted)))
        .as("%s formatted as%n%s", text, formatted)
        .isEqualTo(nonWhitespace(text));
  }

  private static void assertSameReading(String text, SqlDialect dialect) {
    String formatted = SqlFormatter.reflow(text, dialect);

    assertThat(reading(formatted, dialect, true))
        .as("%s formatted as%n%s", text, formatted)
        .isEqualTo(reading(text, dialect, false));
  }

  /** What the pre-scan reads: each token's kind and value, each comment and each separator. */
  static List<String> reading(String text, SqlDialect dialect, boolean skipMarkers) {
    Lexer.Layout layout = Lexer.layout(text, dialect);
    List<String> pieces = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    for (Lexer.Statement statement : layout.statements()) {
      for (Token token : statement.tokens()) {
        pieces.add(token.kind() + " " + token.text());
        starts.add(statement.start() + token.start());
      }
    }
    for (Lexer.Mark mark : layout.marks()) {
      String piece = text.substring(mark.start(), mark.end());
      if (skipMarkers && MARKERS.contains(piece)) {
        continue;
      }
      int at = 0;
      while (at < starts.size() && starts.get(at) < mark.start()) {
        at++;
      }
      pieces.add(at, mark.separator() ? ";" : "COMMENT " + piece);
      starts.add(at, mark.start());
    }
    return pieces;
  }

  static String withoutMarkers(String formatted) {
    StringBuilder out = new StringBuilder();
    for (String line : formatted.split("\n", -1)) {
      if (!MARKERS.contains(line.strip())) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  static String nonWhitespace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .filter(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp))
        .forEach(out::appendCodePoint);
    return out.toString();
  }

  @Provide
  Arbitrary<CorpusTest.Entry> entries() {
    return Arbitraries.of(ENTRIES);
  }

  /** Keywords, literals of every quoting, comments of every kind and bytes that break them. */
  @Provide
  Arbitrary<String> sqlish() {
    Arbitrary<String> pieces = Arbitraries.of("SELECT", "DELETE", "FROM", "WHERE", "AND", "OR",
        "UPDATE", "SET", "VALUES", "JOIN", "LEFT", "GROUP", "BY", "ORDER", "UNION", "LIMIT",
        "BETWEEN", "CASE", "END", "t.from", "x", "1", "(", ")", ",", ".", ";", "=", "-", "/", "*",
        "'", "\"", "`", "$$", "$a$", "E'", "'it''s'", "'a\nb'", "'--'", "'/*'", "\"q\"\"x\"",
        "`b``c`", "$a$ -- ; $a$", "--", "-- c\n", "#", "# h\n", "//", "/*", "*/", "/* c */",
        "/*! DROP TABLE t */", "/*!50000 x*/", "/*M! y */", "/*+ SET_VAR(a=1) */",
        "/* a /* b */ c */", "\\", "\\'", " ", "  ", "\n", "\r", "\r\n", "\t", "\u0000",
        "\u0007", "\u00a0", "\u2028", "\u202e", "ＳＥＬＥＣＴ", "::", "->>", "?", "$1", "@a",
        ":=", "U&'\\0041'", "X'0A'");
    Arbitrary<String> sequences = pieces.list().ofMaxSize(40).map(list -> String.join("", list));
    Arbitrary<String> spaced = pieces.list().ofMaxSize(40).map(list -> String.join(" ", list));
    return Arbitraries.oneOf(sequences, spaced,
        Combinators.combine(sequences, Arbitraries.strings().ofMaxLength(40))
            .as((a, b) -> a + b));
  }
}
