package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import dev.airlock.ReasonCode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the JDBC layer asks of the analyser: bound parameters, statements, count queries. */
class SqlAnalyzerJdbcSupportTest {
  private final SqlAnalyzer pg = SqlAnalyzer.of(SqlDialect.POSTGRESQL);
  private final SqlAnalyzer mysql = SqlAnalyzer.of(SqlDialect.MYSQL);

  @Test
  void bindParametersArePartOfWhatIsJudged() {
    assertThat(pg.analyze("DELETE FROM t WHERE ? = ?", List.of(1, 1)).effect())
        .isEqualTo(Effect.DESTRUCTIVE);
    assertThat(pg.analyze("DELETE FROM t WHERE id = ?", List.of(7)).effect())
        .isEqualTo(Effect.WRITE);
    assertThat(pg.analyze("DELETE FROM t WHERE id = ? OR ? ", Arrays.asList(7, true)).effect())
        .isEqualTo(Effect.DESTRUCTIVE);
    assertThat(pg.analyze("SELECT * FROM t WHERE a = ? AND b = '?'", List.of("x'; DROP TABLE t; --"))
        .effect()).as("a string parameter stays one literal").isEqualTo(Effect.READ);
    assertThat(mysql.analyze("SELECT * FROM t WHERE a = ?", List.of("\\'; DROP TABLE t; #"))
        .effect()).isEqualTo(Effect.READ);
    assertThat(pg.analyze("SELECT 1 - ?", List.of(-1)).effect()).isEqualTo(Effect.READ);
  }

  @Test
  void mismatchedParametersAreUnknown() {
    SqlAnalysis tooFew = pg.analyze("SELECT ? + ?", List.of(1));
    assertThat(tooFew.effect()).isEqualTo(Effect.UNKNOWN);
    assertThat(tooFew.reasons().get(0).code()).isEqualTo(ReasonCode.PARAMETER_MISMATCH);
    assertThat(pg.analyze("SELECT ?", List.of(1, 2)).reasons().get(0).code())
        .isEqualTo(ReasonCode.PARAMETER_MISMATCH);
    assertThat(pg.analyze("SELECT ?", List.of(List.of(1))).reasons().get(0).message())
        .contains("bind strings, numbers, booleans or null");
    // pgjdbc reads ?? as the operator ?, and a driver may see a placeholder in ?|
    assertThat(pg.analyze("SELECT * FROM t WHERE j ?? 'a' AND id = ?", List.of(1))
        .reasons().get(0).code()).isEqualTo(ReasonCode.PARAMETER_MISMATCH);
    assertThat(pg.analyze("SELECT * FROM t WHERE j ?| array['a'] AND id = ?", List.of(1))
        .reasons().get(0).code()).isEqualTo(ReasonCode.PARAMETER_MISMATCH);
    assertThat(pg.analyze("DELETE FROM t WHERE owner = ? OR $1 IS NOT NULL", List.of(1))
        .reasons().get(0).code()).isEqualTo(ReasonCode.PARAMETER_MISMATCH);
  }

  @Test
  void statementsAreSplitAsTheServerWouldAndKeptExactly() {
    assertThat(pg.statements("SELECT 1; /* c */ SELECT ';' -- x\n; SELECT $$a;b$$;"))
        .containsExactly("SELECT 1", "SELECT ';'", "SELECT $$a;b$$");
    assertThat(pg.statements("  ")).isEmpty();
  }

  @Test
  void countQueriesComeFromTheParsedTree() {
    assertThat(pg.countQuery("DELETE FROM hr.staff s WHERE s.name LIKE 'a\\_%' ESCAPE '\\'"))
        .hasValue("SELECT count(*) FROM hr.staff s WHERE s.name LIKE 'a\\_%' ESCAPE '\\'");
    assertThat(pg.countQuery("UPDATE \"Board Members\" SET x = 1 WHERE \"Full Name\" = 'a'"))
        .hasValue("SELECT count(*) FROM \"Board Members\" WHERE \"Full Name\" = 'a'");
    assertThat(mysql.countQuery("DELETE FROM t WHERE a > 1 ORDER BY a LIMIT 5"))
        .hasValue("SELECT count(*) FROM (SELECT 1 FROM t WHERE a > 1 ORDER BY a LIMIT 5)"
            + " AS airlock_rows");
    assertThat(pg.countQuery("DELETE FROM t")).hasValue("SELECT count(*) FROM t");
    assertThat(pg.countQuery("DELETE FROM t WHERE id = ?", List.of(3)))
        .hasValue("SELECT count(*) FROM t WHERE id = 3");
    assertThat(pg.countQuery("UPDATE t SET a = 1 FROM u WHERE t.id = u.id")).isEmpty();
    assertThat(pg.countQuery("DELETE FROM t USING u WHERE t.id = u.id")).isEmpty();
    assertThat(pg.countQuery("INSERT INTO t VALUES (1)")).isEmpty();
    assertThat(pg.countQuery("not sql at all")).isEmpty();
  }
}
