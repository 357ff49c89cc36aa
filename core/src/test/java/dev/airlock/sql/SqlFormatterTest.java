package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SQL formatted for reading: clauses on lines of their own, sub-queries indented, and nothing
 * dropped or hidden, above all no comment and no byte of a literal.
 */
class SqlFormatterTest {

  private static final SqlAnalyzer POSTGRES = SqlAnalyzer.of(SqlDialect.POSTGRESQL);
  private static final SqlAnalyzer MYSQL = SqlAnalyzer.of(SqlDialect.MYSQL);
  private static final SqlAnalyzer H2 = SqlAnalyzer.of(SqlDialect.H2);

  @Test
  void postgresClausesStartLinesAndSubqueriesAreIndented() {
    String formatted = POSTGRES.format("select a, count(*) from t join u on u.id = t.id"
        + " left outer join v on v.x = t.x where a = 1 and b between 1 and 5"
        + " or c in (select id from w where z = 2 and q = 3) group by a having count(*) > 1"
        + " order by b limit 5 offset 10");

    assertThat(formatted).isEqualTo("""
        select a, count(*)
        from t
        join u on u.id = t.id
        left outer join v on v.x = t.x
        where a = 1
          and b between 1 and 5
          or c in (
            select id
            from w
            where z = 2
              and q = 3
          )
        group by a
        having count(*) > 1
        order by b
        limit 5
        offset 10""");
  }

  @Test
  void postgresWritesWithCtesReturningAndConflicts() {
    assertThat(POSTGRES.format("WITH d AS (DELETE FROM p WHERE x RETURNING id) SELECT count(*)"
        + " FROM d")).isEqualTo("""
        WITH d AS (
          DELETE FROM p
          WHERE x
          RETURNING id
        )
        SELECT count(*)
        FROM d""");
    assertThat(POSTGRES.format("INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE"
        + " SET b = excluded.b RETURNING *")).isEqualTo("""
        INSERT INTO t (a, b)
        VALUES (1, 2)
        ON CONFLICT (a) DO UPDATE
        SET b = excluded.b
        RETURNING *""");
  }

  @Test
  void statementsEndWithTheirSemicolonAndABlankLine() {
    assertThat(POSTGRES.format("UPDATE t SET a = 1 WHERE id = 2; DELETE FROM t WHERE id = 3;"))
        .isEqualTo("""
            UPDATE t
            SET a = 1
            WHERE id = 2;

            DELETE FROM t
            WHERE id = 3;""");
  }

  @Test
  void unionsFunctionArgumentsAndWindowsStayReadable() {
    assertThat(POSTGRES.format("SELECT extract(year FROM d), row_number() OVER (PARTITION BY a"
        + " ORDER BY b) FROM t UNION ALL SELECT 1, 2")).isEqualTo("""
        SELECT extract(year FROM d), row_number() OVER (PARTITION BY a ORDER BY b)
        FROM t
        UNION ALL
        SELECT 1, 2""");
  }

  @Test
  void joinsAfterASubqueryStartLines() {
    // regression: a JOIN after ')' once made the whole text come back unformatted
    assertThat(MYSQL.format("SELECT * FROM (SELECT id FROM a) s JOIN b ON b.id = s.id"
        + " NATURAL JOIN c CROSS JOIN d")).isEqualTo("""
        SELECT *
        FROM (
          SELECT id
          FROM a
        ) s
        JOIN b ON b.id = s.id
        NATURAL JOIN c
        CROSS JOIN d""");
    assertThat(H2.format("SELECT * FROM t, (SELECT 1) JOIN u ON true"))
        .isEqualTo("SELECT *\nFROM t, (\n  SELECT 1\n)\nJOIN u ON true");
  }

  @Test
  void aNameAfterADotIsNotAClause() {
    assertThat(POSTGRES.format("SELECT t.from, t.order FROM t WHERE a IS DISTINCT FROM b"))
        .isEqualTo("""
            SELECT t.from, t.order
            FROM t
            WHERE a IS DISTINCT FROM b""");
  }

  @Test
  void mysqlExecutableCommentInsideASelectStandsOnItsOwnLineUnderTheMarker() {
    String formatted = MYSQL.format("SELECT id, /*!50000 DROP TABLE t*/ name FROM users");

    assertThat(formatted).isEqualTo("SELECT id,\n"
        + "  " + SqlFormatter.EXECUTABLE_MARKER + "\n"
        + "  /*!50000 DROP TABLE t*/\n"
        + "  name\n"
        + "FROM users");
  }

  @Test
  void mysqlMarksEveryExecutableCommentAndHint() {
    String formatted = MYSQL.format("SELECT /*+ SET_VAR(sql_mode='') */ 1 /*! , 2 */"
        + " /*M!100100 , 3 */ /* plain */ FROM t");
    List<String> lines = formatted.lines().map(String::strip).toList();

    assertThat(lines).containsSubsequence(SqlFormatter.HINT_MARKER,
        "/*+ SET_VAR(sql_mode='') */", SqlFormatter.EXECUTABLE_MARKER, "/*! , 2 */",
        SqlFormatter.EXECUTABLE_MARKER, "/*M!100100 , 3 */", "/* plain */");
    assertThat(lines.get(lines.indexOf("/* plain */") - 1)).isNotEqualTo(
        SqlFormatter.EXECUTABLE_MARKER);
  }

  @Test
  void postgresReadsBangCommentsAsPlainComments() {
    assertThat(POSTGRES.format("SELECT 1 /*! DROP TABLE t */ FROM t"))
        .isEqualTo("SELECT 1\n  /*! DROP TABLE t */\nFROM t");
  }

  @Test
  void aLineCommentAlwaysEndsItsLine() {
    String formatted = POSTGRES.format(
        "SELECT a -- FROM secret\nFROM t WHERE x = 1 -- why\rAND y = 2");

    assertThat(formatted).isEqualTo("""
        SELECT a
          -- FROM secret
        FROM t
        WHERE x = 1
          -- why
          AND y = 2""");
  }

  @Test
  void mysqlHashCommentsAndCarriageReturnsInsideThemAreKept() {
    // MySQL ends a line comment at LF only: the DELETE after the CR is part of the comment
    String formatted = MYSQL.format("SELECT 1 # note\rDELETE FROM t\nFROM dual");

    assertThat(formatted).isEqualTo("SELECT 1\n  # note\rDELETE FROM t\nFROM dual");
  }

  @Test
  void stringsWithNewlinesAndCommentMarkersStayIntact() {
    String literal = "'line one\n-- not a comment\n/* nor this */ WHERE 1=1'";
    String formatted = POSTGRES.format("UPDATE t SET note = " + literal + " WHERE id = 1");

    assertThat(formatted).isEqualTo("UPDATE t\nSET note = " + literal + "\nWHERE id = 1");
  }

  @Test
  void mysqlBackslashEscapesStayIntact() {
    String formatted = MYSQL.format("SELECT 'it\\'s -- here', \"a /* b\" FROM t");

    assertThat(formatted).isEqualTo("SELECT 'it\\'s -- here', \"a /* b\"\nFROM t");
  }

  @Test
  void dollarQuotedBodiesAndQuotedNamesStayIntact() {
    String body = "$fn$\nBEGIN\n  DELETE FROM t;   -- all of it\nEND\n$fn$";
    String formatted = POSTGRES.format("DO " + body + "; SELECT \"where  x\" FROM \"from\"");

    assertThat(formatted).isEqualTo("DO " + body + ";\n\nSELECT \"where  x\"\nFROM \"from\"");
  }

  @Test
  void postgresStringsContinuedOnTheNextLineKeepTheLineBreak() {
    // 'a'⏎'b' is the one string 'ab' to PostgreSQL; on one line it would read as an error
    assertThat(POSTGRES.format("SELECT 'a'\n  'b' FROM t")).isEqualTo("SELECT 'a'\n'b'\nFROM t");
  }

  @Test
  void h2CommentsNestedCommentsAndDollarStrings() {
    String formatted = H2.format("SELECT $$a -- b$$ FROM t // h2 comment\n"
        + "WHERE x = 1 /* nested /* c */ */ OR y = 2");

    assertThat(formatted).isEqualTo("""
        SELECT $$a -- b$$
        FROM t
          // h2 comment
        WHERE x = 1
          /* nested /* c */ */
          OR y = 2""");
  }

  @Test
  void caseExpressionsStayOnTheirLine() {
    assertThat(H2.format("SELECT CASE WHEN a AND b THEN 1 ELSE 2 END FROM t WHERE x OR y"))
        .isEqualTo("""
            SELECT CASE WHEN a AND b THEN 1 ELSE 2 END
            FROM t
            WHERE x
              OR y""");
  }

  @Test
  void leadingCommentsAndCommentsBetweenStatementsAreKept() {
    assertThat(POSTGRES.format("-- cleanup\n/* step 1 */ DELETE FROM t WHERE id = 1; -- done\n"))
        .isEqualTo("""
            -- cleanup
            /* step 1 */
            DELETE FROM t
            WHERE id = 1;

            -- done""");
  }

  @Test
  void textThePreScanCannotReadAppearsVerbatim() {
    assertThat(POSTGRES.format("SELECT 1 FROM t WHERE a = 'never closed\n; DROP TABLE t"))
        .isEqualTo("SELECT 1\nFROM t\nWHERE a =\n  " + SqlFormatter.UNREAD_MARKER
            + "\n  'never closed\n; DROP TABLE t");
    assertThat(POSTGRES.format("SELECT 1 /* never closed\nDROP TABLE t"))
        .isEqualTo("SELECT 1\n  /* never closed\nDROP TABLE t");
    assertThat(POSTGRES.format("SELECT 1\u0000; DROP TABLE t"))
        .isEqualTo("SELECT 1\n  " + SqlFormatter.UNREAD_MARKER + "\n  \u0000; DROP TABLE t");
    assertThat(MYSQL.format("SELECT 1 \u0007 FROM t"))
        .isEqualTo("SELECT 1\n  " + SqlFormatter.UNREAD_MARKER + "\n  \u0007\nFROM t");
  }

  @Test
  void tooLongOrTooDeepTextIsReturnedUnchanged() {
    String longText = "SELECT 1 FROM t WHERE a = 1 AND b = 2 ".repeat(3000);
    String deep = "SELECT " + "(".repeat(SqlFormatter.MAX_NESTING + 1) + "1"
        + ")".repeat(SqlFormatter.MAX_NESTING + 1) + " FROM t";

    assertThat(longText.length()).isGreaterThan(SqlFormatter.MAX_LENGTH);
    assertThat(POSTGRES.format(longText)).isSameAs(longText);
    assertThat(POSTGRES.format(deep)).isEqualTo(deep);
  }

  @Test
  void emptyAndBlankTextsFormatToNothing() {
    assertThat(POSTGRES.format("")).isEmpty();
    assertThat(MYSQL.format(" \n\t ")).isEmpty();
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> H2.format(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("sql");
  }
}
