package dev.airlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.sql.FunctionCatalog;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SQL tools: the analysed effect of the statement a call carries is what the policies judge. */
class SqlToolTest {

  private final RecordingAuditSink audit = new RecordingAuditSink();

  private Airlock.Builder builder() {
    return Airlock.builder()
        .environment(Environment.production("prod"))
        .environment(Environment.production("shop").withDialect(SqlDialect.MYSQL))
        .environment(Environment.staging("staging"))
        .sqlTool("run_sql", "sql", "prod", "shop", "staging")
        .approver(request -> CompletableFuture.failedFuture(new IllegalStateException("unused")))
        .auditSink(audit);
  }

  private static ToolCall sql(String environment, Object sql) {
    return ToolCall.builder("run_sql").environment(environment).agent("bot")
        .argument("sql", sql).build();
  }

  @Test
  void aReadOnProductionIsAllowed() {
    Decision decision = builder().build().evaluate(sql("prod",
        "SELECT d.name, count(*) FROM departments d JOIN employees e ON e.department_id = d.id"
            + " GROUP BY d.name"));

    assertThat(decision).isInstanceOf(Decision.Allow.class);
    assertThat(decision.effect()).isEqualTo(Effect.READ);
  }

  @Test
  void aDeleteWithoutWhereOnProductionNeedsAStagingRunAndSaysWhy() {
    Decision decision = builder().build().evaluate(sql("prod", "DELETE FROM executives"));

    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.effect()).isEqualTo(Effect.DESTRUCTIVE);
    assertThat(decision.primaryReason().code()).isEqualTo(ReasonCode.STAGING_RUN_REQUIRED);
    assertThat(decision.reasons()).extracting(Reason::message).anySatisfy(message ->
        assertThat(message)
            .contains("DESTRUCTIVE (DELETE without WHERE touches every row of executives)"));
    assertThat(decision.reasons()).extracting(Reason::code).contains(ReasonCode.MISSING_WHERE);
  }

  @Test
  void aReadThatEscapesItsTransactionIsDenied() {
    Decision decision = builder().build().evaluate(sql("prod", "SELECT 1; COMMIT; DROP TABLE t"));

    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.effect()).isEqualTo(Effect.ADMIN);
  }

  @Test
  void theEnvironmentsDialectReadsTheText() {
    String text = "SELECT 1 --1; DROP TABLE payments";
    Airlock airlock = builder().build();

    // PostgreSQL: "--1; DROP…" is a comment. MySQL: "--1" is minus minus 1, and DROP runs.
    assertThat(airlock.evaluate(sql("prod", text)).effect()).isEqualTo(Effect.READ);
    assertThat(airlock.evaluate(sql("shop", text)).effect()).isEqualTo(Effect.DESTRUCTIVE);
  }

  @Test
  void onStagingDestructiveWorkIsAllowed() {
    Decision decision = builder().build().evaluate(sql("staging", "DELETE FROM executives"));

    assertThat(decision).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void aSqlToolCalledWithoutSqlIsDenied() {
    Airlock airlock = builder().build();

    Decision missing = airlock.evaluate(
        ToolCall.builder("run_sql").environment("prod").agent("bot").build());
    Decision notText = airlock.evaluate(sql("prod", 42));

    assertThat(List.of(missing, notText)).allSatisfy(decision -> {
      assertThat(decision).isInstanceOf(Decision.Deny.class);
      assertThat(decision.reasons().get(0).code()).isEqualTo(ReasonCode.SQL_MISSING);
      assertThat(decision.reasons().get(0).message()).contains("'sql'");
    });
  }

  @Test
  void garbageIsDeniedOnProduction() {
    Decision decision = builder().build().evaluate(sql("prod", "hello world; rm -rf /"));

    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.effect()).isEqualTo(Effect.UNKNOWN);
  }

  @Test
  void aTeamsOwnReadOnlyFunctionIsAllowed() {
    String text = "SELECT customer_score(id) FROM customers";
    assertThat(builder().build().evaluate(sql("prod", text)))
        .isInstanceOf(Decision.NeedsApproval.class);

    Airlock airlock = builder()
        .sqlAnalyzer(SqlAnalyzer.builder(SqlDialect.POSTGRESQL)
            .functions(FunctionCatalog.defaults(SqlDialect.POSTGRESQL)
                .with("customer_score", Effect.READ))
            .build())
        .build();

    assertThat(airlock.evaluate(sql("prod", text))).isInstanceOf(Decision.Allow.class);
  }

  @Test
  void anAnalyzerPerDialectIsSetOnce() {
    Airlock.Builder builder = builder().sqlAnalyzer(SqlAnalyzer.of(SqlDialect.H2));

    assertThatThrownBy(() -> builder.sqlAnalyzer(SqlAnalyzer.of(SqlDialect.H2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("H2");
  }

  @Test
  void theRefusalTellsTheModelWhatHappened() {
    Airlock airlock = builder().build();
    Decision decision = airlock.evaluate(sql("prod", "GRANT ALL ON payments TO bot"));

    assertThat(decision.refusalMessage())
        .startsWith("Refused by Airlock (effect-rules, EFFECT_DENIED): PRIVILEGE")
        .contains("GRANT changes who may do what");
  }
}
