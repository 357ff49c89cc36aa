package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Effect;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The analyser's contract: limits, caching, facts per statement, and failing closed. */
class SqlAnalyzerTest {

  private final SqlAnalyzer postgres = SqlAnalyzer.of(SqlDialect.POSTGRESQL);

  @Test
  void aRepeatedTextIsAnsweredFromTheCache() {
    String text = "SELECT id FROM tickets WHERE priority = 1";

    assertThat(postgres.analyze(text)).isSameAs(postgres.analyze(text));
  }

  @Test
  void theCacheIsKeyedByTheExactText() {
    assertThat(postgres.analyze("SELECT 1;").effect()).isEqualTo(Effect.READ);

    SqlAnalysis other = postgres.analyze("SELECT 42; SELECT pg_read_file('/etc/passwd')");

    assertThat(other.effect()).isEqualTo(Effect.ADMIN);
  }

  @Test
  void aParseThatRunsOutOfTimeIsUnknownAndNotCached() {
    SqlAnalyzer hurried = SqlAnalyzer.builder(SqlDialect.POSTGRESQL)
        .parseBudget(Duration.ofMillis(1)).build();
    StringBuilder text = new StringBuilder("DELETE FROM tickets WHERE id IN (0");
    for (int i = 1; i < 40_000; i++) {
      text.append(", ").append(i);
    }
    String sql = text.append(") AND priority = (CASE WHEN 1 = 2 THEN 3 ELSE 4 END)").toString();

    SqlAnalysis first = hurried.analyze(sql);

    assertThat(first.effect()).isEqualTo(Effect.UNKNOWN);
    assertThat(first.reasons()).extracting(Reason::code).contains(ReasonCode.ANALYSIS_TIMEOUT);
    assertThat(hurried.analyze(sql)).isNotSameAs(first);
  }

  @Test
  void aTextOverTheLengthLimitIsUnknown() {
    SqlAnalyzer small = SqlAnalyzer.builder(SqlDialect.POSTGRESQL).maxLength(20).build();

    SqlAnalysis analysis = small.analyze("SELECT id FROM tickets WHERE id = 1");

    assertThat(analysis.effect()).isEqualTo(Effect.UNKNOWN);
    assertThat(analysis.reasons().get(0).code()).isEqualTo(ReasonCode.SQL_TOO_LONG);
    assertThat(analysis.reasons().get(0).message()).contains("limit of 20");
  }

  @Test
  void aStatementNestedTooDeepForTheParserIsUnknownUnlessProvedARead() {
    String deepWrite = "DELETE FROM tickets WHERE id = " + "(".repeat(60) + "1" + ")".repeat(60);
    String deepRead = "SELECT " + "(".repeat(60) + "1" + ")".repeat(60);

    SqlAnalysis write = postgres.analyze(deepWrite);

    assertThat(write.effect()).isEqualTo(Effect.UNKNOWN);
    assertThat(write.reasons()).extracting(Reason::code).contains(ReasonCode.SQL_TOO_DEEP);
    assertThat(postgres.analyze(deepRead).effect()).isEqualTo(Effect.READ);
  }

  @Test
  void eachStatementSaysWhatItTouches() {
    SqlAnalysis analysis = postgres.analyze(
        "SELECT * FROM tickets t JOIN customers c ON c.id = t.customer_id FOR UPDATE;"
            + " DELETE FROM payments WHERE amount > 10;"
            + " UPDATE tickets SET priority = 1 WHERE 1 = 1;"
            + " SELECT * INTO archive FROM payments");

    assertThat(analysis.statements()).hasSize(4);
    StatementInfo lock = analysis.statements().get(0);
    assertThat(lock.effect()).isEqualTo(Effect.WRITE);
    assertThat(lock.lockingClause()).isPresent();
    assertThat(lock.tablesRead()).containsExactlyInAnyOrder("tickets", "customers");
    StatementInfo delete = analysis.statements().get(1);
    assertThat(delete.kind()).isEqualTo("DELETE");
    assertThat(delete.tablesWritten()).containsExactly("payments");
    assertThat(delete.where()).isEqualTo(WhereClause.PRESENT);
    StatementInfo update = analysis.statements().get(2);
    assertThat(update.effect()).isEqualTo(Effect.DESTRUCTIVE);
    assertThat(update.where()).isEqualTo(WhereClause.ALWAYS_TRUE);
    StatementInfo into = analysis.statements().get(3);
    assertThat(into.effect()).isEqualTo(Effect.SCHEMA);
    assertThat(into.intoTarget()).contains("archive");
    assertThat(analysis.effect()).isEqualTo(Effect.DESTRUCTIVE);
  }

  @Test
  void functionsAndLimitAreReported() {
    StatementInfo info = postgres.analyze(
        "SELECT lower(name), count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC LIMIT 5"
            + " FOR SHARE").statements().get(0);

    assertThat(info.functions()).contains("lower", "count");
    assertThat(info.limit()).hasValue(5);
  }

  @Test
  void aTeamsOwnFunctionsAreKnown() {
    FunctionCatalog catalog = FunctionCatalog.defaults(SqlDialect.POSTGRESQL)
        .with("order_margin", Effect.READ)
        .with("billing.recompute", Effect.WRITE);
    SqlAnalyzer analyzer = SqlAnalyzer.builder(SqlDialect.POSTGRESQL).functions(catalog).build();

    assertThat(postgres.analyze("SELECT order_margin(id) FROM orders").effect())
        .isEqualTo(Effect.WRITE);
    assertThat(analyzer.analyze("SELECT order_margin(id) FROM orders").effect())
        .isEqualTo(Effect.READ);
    assertThat(analyzer.analyze("SELECT billing.recompute(7)").reasons().get(0).code())
        .isEqualTo(ReasonCode.SIDE_EFFECT_FUNCTION);
    assertThat(catalog.effectOf("pg_catalog.pg_sleep")).contains(Effect.ADMIN);
    assertThat(catalog.effectOf("other.pg_sleep")).isEmpty();
  }

  @Test
  void badArgumentsAreRefusedWithClearMessages() {
    assertThatThrownBy(() -> postgres.analyze(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("sql");
    assertThatThrownBy(() -> SqlAnalyzer.builder(SqlDialect.H2).maxLength(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength");
    assertThatThrownBy(() -> SqlAnalyzer.builder(SqlDialect.H2).maxNesting(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNesting");
    assertThatThrownBy(() -> SqlAnalyzer.builder(SqlDialect.H2).parseBudget(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parseBudget");
    assertThatThrownBy(() -> SqlAnalyzer.builder(SqlDialect.H2).cacheSize(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cacheSize");
    assertThatThrownBy(() -> SqlAnalyzer.builder(SqlDialect.H2)
            .functions(FunctionCatalog.defaults(SqlDialect.MYSQL)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MYSQL");
    assertThatThrownBy(() -> FunctionCatalog.defaults(SqlDialect.H2).with(" ", Effect.READ))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
  }

  @Test
  void everyDialectReadsItsOwnComments() {
    String hash = "SELECT 1 # ; DROP TABLE payments";
    String dashes = "SELECT 1 --1; DROP TABLE payments";

    assertThat(SqlAnalyzer.of(SqlDialect.MYSQL).analyze(hash).effect()).isEqualTo(Effect.READ);
    assertThat(postgres.analyze(hash).effect()).isEqualTo(Effect.UNKNOWN);
    assertThat(postgres.analyze(dashes).effect()).isEqualTo(Effect.READ);
    assertThat(SqlAnalyzer.of(SqlDialect.MYSQL).analyze(dashes).effect())
        .isEqualTo(Effect.DESTRUCTIVE);
    assertThat(SqlAnalyzer.of(SqlDialect.MYSQL).analyze("SELECT /*! 1; DROP TABLE t */ 2")
        .reasons().get(0).code()).isEqualTo(ReasonCode.EXECUTABLE_COMMENT);
  }
}
