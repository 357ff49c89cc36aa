package dev.airlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Airlock;
import dev.airlock.Decision;
import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.Tier;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.ToolExecutionException;
import dev.airlock.policy.RowLimit;
import dev.airlock.policy.Vote;
import dev.airlock.sql.FunctionCatalog;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guarded data source on a real PostgreSQL 14: the database as the last wall. */
class GuardedDataSourcePostgresTest {
  private static final String PROD = "orders-db";
  private static final String REPLICA = "orders-replica";
  private static final String DEV = "orders-dev";

  private static String db;
  private static DataSource admin;
  private static DataSource reader;
  private static DataSource writer;

  private final Events events = new Events();

  @BeforeAll
  static void createDatabase() {
    db = Postgres.newDatabase();
    admin = Postgres.admin(db);
    reader = Postgres.as("airlock_reader", db);
    writer = Postgres.as("airlock_writer", db);
    Postgres.run(admin,
        "CREATE TABLE executives (id int PRIMARY KEY, name text NOT NULL, region text NOT NULL)",
        "INSERT INTO executives SELECT i, 'Executive ' || i, CASE WHEN i <= 12 THEN 'emea' ELSE"
            + " 'amer' END FROM generate_series(1, 1206) i",
        "CREATE TABLE board_seats (id int PRIMARY KEY, executive int REFERENCES executives (id)"
            + " ON DELETE CASCADE)",
        "INSERT INTO board_seats SELECT i, i FROM generate_series(1, 50) i",
        "CREATE TABLE \"Board Members\" (id int, \"Full Name\" text)",
        "INSERT INTO \"Board Members\" SELECT i, 'Member ' || i FROM generate_series(1, 30) i",
        "CREATE SCHEMA hr",
        "GRANT USAGE ON SCHEMA hr TO airlock_reader, airlock_writer",
        "CREATE TABLE hr.staff (id int, name text)",
        "INSERT INTO hr.staff VALUES (1, 'a_1'), (2, 'a_2'), (3, 'ab3'), (4, 'a%4'), (5, 'b%5'),"
            + " (6, 'b%6'), (7, 'bx7'), (8, 'c\\8')",
        "CREATE FUNCTION purge_executives() RETURNS int LANGUAGE plpgsql AS"
            + " $$ BEGIN DELETE FROM executives; RETURN 0; END $$");
  }

  @BeforeEach
  void resetRegions() {
    Postgres.run(admin, "UPDATE executives SET region = CASE WHEN id <= 12 THEN 'emea' ELSE"
        + " 'amer' END");
  }

  private Airlock airlock(Consumer<Airlock.Builder> more) {
    Airlock.Builder builder = Airlock.builder()
        .environment(Environment.production(PROD))
        .environment(Environment.replica(REPLICA, PROD))
        .environment(Environment.development(DEV))
        .sqlTool("sql", "sql")
        .sqlAnalyzer(SqlAnalyzer.builder(SqlDialect.POSTGRESQL)
            // Declared READ on purpose: a write the classifier gets wrong
            .functions(FunctionCatalog.defaults(SqlDialect.POSTGRESQL)
                .with("purge_executives", Effect.READ))
            .build())
        .auditSink(events);
    more.accept(builder);
    return builder.build();
  }

  private GuardedDataSource.Builder guard(Airlock airlock, String environment) {
    return GuardedDataSource.builder(airlock, environment);
  }

  private static long executives() {
    return Postgres.count(admin, "SELECT count(*) FROM executives");
  }

  private static ReasonCode refusal(Runnable call) {
    try {
      call.run();
    } catch (ToolCallRefusedException e) {
      return e.decision().primaryReason().code();
    }
    throw new AssertionError("the call was not refused");
  }

  @Test
  void readsRunAndATruncatedResultSaysSo() {
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(reader).maxRows(5).build();

    List<SqlResult> results =
        data.query(SqlCall.of("report-bot", "SELECT id, name FROM executives ORDER BY id"));

    assertThat(results).singleElement().satisfies(r -> {
      assertThat(r.columns()).containsExactly("id", "name");
      assertThat(r.rows()).hasSize(5).first().isEqualTo(List.of("1", "Executive 1"));
      assertThat(r.truncated()).isTrue();
      assertThat(r.ranOn()).isEqualTo(PROD);
    });
    assertThat(SqlTool.of(data, "report-bot").query("SELECT id FROM executives ORDER BY id"))
        .contains("1\n2\n3\n4\n5\n")
        .contains("5 rows shown; the result has more and was truncated at 5 rows");
    assertThat(SqlTool.of(data, "report-bot").query("SELECT 1 AS one"))
        .isEqualTo("one\n1\n(1 row)\n");
  }

  @Test
  void aScriptOfReadsRunsStatementByStatement() {
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(reader).build();

    List<SqlResult> results = data.query(SqlCall.of("report-bot",
        "SELECT count(*) FROM executives; SELECT max(id) FROM executives"));

    assertThat(results).extracting(r -> r.rows().get(0).get(0)).containsExactly("1206", "1206");
  }

  @Test
  void aWriteThatSlipsPastClassificationFailsInTheReadOnlyTransaction() {
    // Superuser credentials on purpose: the transaction alone is the wall here.
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(admin).build();

    assertThatThrownBy(() -> data.query(SqlCall.of("bot", "SELECT purge_executives()")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.READ_ONLY_VIOLATION);
          assertThat(e.modelMessage()).contains("nothing was written");
        });
    assertThat(executives()).isEqualTo(1206);
    Map<String, Object> outcome = events.last("execution");
    assertThat(outcome).containsEntry("outcome", "REFUSED");
    assertThat(Events.map(outcome.get("details")))
        .containsEntry("sqlState", "25006").containsKey("statementSha256");
  }

  @Test
  void transactionControlNeverRunsWhateverThePoliciesSay() {
    GuardedDataSource data = guard(airlock(b -> {}), DEV).reads(admin).writes(admin).build();

    for (String sql : List.of("COMMIT; DELETE FROM executives",
        "SET default_transaction_read_only = off; SELECT purge_executives()",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
        "ROLLBACK", "BEGIN; DELETE FROM executives; COMMIT", "END; SELECT purge_executives()",
        "SAVEPOINT s; DELETE FROM executives", "START TRANSACTION READ WRITE")) {
      assertThat(refusal(() -> data.execute(SqlCall.of("bot", sql))))
          .as(sql).isEqualTo(ReasonCode.TRANSACTION_CONTROL);
      assertThat(refusal(() -> data.query(SqlCall.of("bot", sql))))
          .as(sql).isEqualTo(ReasonCode.TRANSACTION_CONTROL);
    }
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void setConfigCannotSwitchTheReadOnlyTransactionOffForTheNextCall() {
    SqlAnalyzer lenient = SqlAnalyzer.builder(SqlDialect.POSTGRESQL)
        .functions(FunctionCatalog.defaults(SqlDialect.POSTGRESQL)
            .with("purge_executives", Effect.READ)
            .with("set_config", Effect.READ))
        .build();
    String switchOff = "SELECT set_config('default_transaction_read_only', 'off', false)";
    assertThat(lenient.analyze(switchOff).effect())
        .as("precondition: the lenient catalogue lets set_config through as a read")
        .isIn(Effect.READ, Effect.ADMIN);
    Airlock airlock = Airlock.builder()
        .environment(Environment.production(PROD))
        .sqlTool("sql", "sql")
        .sqlAnalyzer(lenient)
        .auditSink(events)
        .build();
    // One physical connection for every call, as a pool would hand the same session back.
    DataSource session = singleConnection(admin);
    GuardedDataSource data = guard(airlock, PROD).reads(session).build();

    try {
      data.query(SqlCall.of("bot", switchOff));
    } catch (ToolCallRefusedException refused) {
      // the analysis still calls it ADMIN: refused before the database; fine either way
    }
    assertThat(refusal(() -> data.query(SqlCall.of("bot", "SELECT purge_executives()"))))
        .isEqualTo(ReasonCode.READ_ONLY_VIOLATION);
    assertThatThrownBy(() -> data.query(SqlCall.of("bot",
        "SELECT set_config('transaction_read_only', 'off', true), purge_executives()")))
        .isInstanceOfAny(ToolCallRefusedException.class, ToolExecutionException.class);
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void aWriteAboveItsCeilingIsRolledBack() {
    Airlock airlock = airlock(b -> b.policy("twelve-rows", (call, context) ->
        Vote.allow(ReasonCode.of("TWELVE_ROWS"), "at most 12 rows").withRowCeiling(12)));
    GuardedDataSource data = guard(airlock, DEV).reads(admin).writes(writer).build();

    assertThatThrownBy(() -> data.execute(SqlCall.of("cleanup-bot", "DELETE FROM executives")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> assertThat(e.modelMessage())
            .contains("changed 1206 rows, more than the 12 allowed; it was rolled back"));
    assertThat(executives()).isEqualTo(1206);
    Map<String, Object> outcome = events.last("execution");
    assertThat(outcome).containsEntry("outcome", "REFUSED");
    assertThat(Events.map(outcome.get("details")))
        .containsEntry("rowsChanged", 1206L).containsEntry("rolledBack", true);
  }

  @Test
  void theTiersThresholdIsTheCeilingWhenRowsChangeBetweenCountAndWrite() {
    Airlock airlock = airlock(b -> b
        .policy(RowLimit.builder().tier(Tier.DEVELOPMENT, 12, -1).build())
        .policy("concurrent-writer", (call, context) -> {
          // Another session changes the rows after they were counted and before the write.
          context.rows().ifPresent(rows ->
              Postgres.run(admin, "UPDATE executives SET region = 'emea'"));
          return Vote.abstain();
        }));
    GuardedDataSource data = guard(airlock, DEV).reads(admin).writes(writer).build();

    ReasonCode code = refusal(() -> data.execute(
        SqlCall.of("cleanup-bot", "DELETE FROM executives WHERE region = 'emea'")));

    assertThat(code).isEqualTo(ReasonCode.ROW_LIMIT_EXCEEDED);
    assertThat(executives()).isEqualTo(1206);
    Map<String, Object> details = Events.map(events.last("execution").get("details"));
    assertThat(Events.map(details.get("rowEstimate"))).containsEntry("exact", 12L);
    assertThat(details).containsEntry("rowsChanged", 1206L);
  }

  @Test
  void theExactCountEqualsTheRowsTheStatementThenChanges() {
    Airlock airlock = airlock(b -> {});
    GuardedDataSource data = guard(airlock, DEV).reads(reader).writes(writer).build();
    List<SqlCall> calls = List.of(
        SqlCall.of("bot", "UPDATE hr.staff SET name = name WHERE name LIKE 'a\\_%' ESCAPE '\\'"),
        SqlCall.of("bot", "UPDATE hr.staff SET id = id WHERE name LIKE 'b!%%' ESCAPE '!'"),
        SqlCall.of("bot", "UPDATE hr.staff SET id = id WHERE name = E'c\\\\8'"),
        SqlCall.of("bot", "DELETE FROM \"Board Members\" WHERE \"Full Name\" LIKE 'Member 1%'"),
        SqlCall.of("bot", "UPDATE executives e SET name = e.name WHERE e.id BETWEEN 100 AND 150"
            + " AND e.region <> 'x'"),
        SqlCall.of("bot", "UPDATE executives SET name = name WHERE id < ? AND region = ?", 40,
            "emea"),
        SqlCall.of("bot", "DELETE FROM hr.staff WHERE id IN (SELECT id FROM hr.staff"
            + " WHERE name LIKE '%7') RETURNING id"));
    List<Long> expected = List.of(2L, 2L, 1L, 11L, 51L, 12L, 1L);
    for (int i = 0; i < calls.size(); i++) {
      SqlCall call = calls.get(i);
      List<SqlResult> results = data.execute(call);
      Map<String, Object> details = Events.map(events.last("execution").get("details"));
      assertThat(Events.map(details.get("rowEstimate")).get("exact")).as(call.sql() + details)
          .isEqualTo(expected.get(i));
      assertThat(details.get("rowsChanged")).as(call.sql()).isEqualTo(expected.get(i));
      assertThat(results.get(0).rowsChanged()).hasValue(expected.get(i));
    }
  }

  @Test
  void aWriteNestedInAWithClauseCannotHideItsRowsFromTheCeiling() {
    Airlock airlock = airlock(b -> b.policy("twelve-rows", (call, context) ->
        Vote.allow(ReasonCode.of("TWELVE_ROWS"), "at most 12 rows").withRowCeiling(12)));
    GuardedDataSource data = guard(airlock, DEV).reads(admin).writes(writer).build();

    ReasonCode code = refusal(() -> data.execute(SqlCall.of("cleanup-bot",
        "WITH d AS (DELETE FROM executives WHERE region = 'amer') UPDATE executives"
            + " SET name = name WHERE id = 1")));

    assertThat(code).isEqualTo(ReasonCode.ROW_LIMIT_EXCEEDED);
    assertThat(executives()).isEqualTo(1206);
    Map<String, Object> details = Events.map(events.last("execution").get("details"));
    assertThat((Long) Events.map(details.get("rowEstimate")).get("planned"))
        .as("the plan counts the rows fed into the nested DELETE too").isGreaterThan(1L);
  }

  @Test
  void aServerThatReadsStringsDifferentlyIsRefused() {
    Postgres.run(admin, "DO $$ BEGIN CREATE ROLE airlock_old_strings LOGIN; EXCEPTION WHEN"
        + " duplicate_object THEN NULL; END $$",
        "ALTER ROLE airlock_old_strings SET standard_conforming_strings = off",
        "GRANT SELECT ON executives TO airlock_old_strings");
    GuardedDataSource data = guard(airlock(b -> {}), DEV)
        .reads(Postgres.as("airlock_old_strings", db)).build();

    assertThatThrownBy(() -> data.query(SqlCall.of("bot", "SELECT '\\'';COMMIT;DELETE FROM"
        + " executives;--'")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          assertThat(e.decision().primaryReason().code())
              .isEqualTo(ReasonCode.UNSUPPORTED_SERVER_SETTING);
          assertThat(e.modelMessage()).contains("standard_conforming_strings = off");
        });
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void aWriteOnProductionShowsItsRowsAndWhatTheyDoNotCount() {
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(reader).writes(writer).build();

    assertThatThrownBy(() -> data.execute(
        SqlCall.of("cleanup-bot", "DELETE FROM executives WHERE region = 'emea'")))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          Decision decision = e.decision();
          assertThat(decision.primaryReason().code()).isEqualTo(ReasonCode.NO_APPROVER);
          assertThat(decision.reasons()).anySatisfy(r -> assertThat(r.message())
              .contains("12 rows (exact count; plan:")
              .contains("rows of board_seats changed by ON DELETE CASCADE"));
        });
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void bindParametersAreAnalysedWithTheText() {
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(reader).writes(writer).build();

    assertThatThrownBy(() -> data.execute(
        SqlCall.of("cleanup-bot", "DELETE FROM executives WHERE ? = ?", 1, 1)))
        .isInstanceOfSatisfying(ToolCallRefusedException.class,
            e -> assertThat(e.decision().effect()).isEqualTo(Effect.DESTRUCTIVE));
    assertThat(data.query(SqlCall.of("bot", "SELECT name FROM executives WHERE id = ?", 7)))
        .singleElement().satisfies(r -> assertThat(r.rows()).containsExactly(List.of("Executive 7")));
    assertThat(refusal(() -> data.query(SqlCall.of("bot", "SELECT ? + ?", 1))))
        .isEqualTo(ReasonCode.PARAMETER_MISMATCH);
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void aSlowQueryIsCancelledAtTheTimeout() {
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(reader)
        .statementTimeout(Duration.ofSeconds(1)).build();
    long start = System.nanoTime();

    ReasonCode code = refusal(() -> data.query(SqlCall.of("bot",
        "SELECT count(*) FROM generate_series(1, 2000000000) a")));

    assertThat(code).isEqualTo(ReasonCode.STATEMENT_TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void writableReadCredentialsAreFoundAndCanBeRequiredAway() {
    GuardedDataSource readOnly = guard(airlock(b -> {}), PROD).reads(reader)
        .requireReadOnlyCredentials(true).build();
    assertThat(readOnly.credentials()).singleElement()
        .satisfies(r -> assertThat(r.isReadOnly()).as(r.describe()).isTrue());
    assertThat(readOnly.query(SqlCall.of("bot", "SELECT 1"))).hasSize(1);

    GuardedDataSource superuser = guard(airlock(b -> {}), PROD).reads(admin)
        .requireReadOnlyCredentials(true).build();
    assertThat(refusal(() -> superuser.query(SqlCall.of("bot", "SELECT 1"))))
        .isEqualTo(ReasonCode.WRITABLE_CREDENTIALS);
    assertThat(superuser.credentials().get(0).findings())
        .extracting(CredentialReport.Finding::privilege).contains("superuser");
    assertThat(events.last("credentials")).containsEntry("readOnly", false);

    GuardedDataSource owner = guard(airlock(b -> {}), PROD).reads(writer).build();
    assertThat(owner.credentials().get(0).findings()).extracting(Object::toString)
        .contains("DELETE, INSERT, TRUNCATE, UPDATE on public.executives", "CREATE on schema public");
    assertThat(owner.query(SqlCall.of("bot", "SELECT 1"))).as("only a WARN by default").hasSize(1);
  }

  @Test
  void readsOnProductionCanRunOnItsReplica() {
    GuardedDataSource data = guard(airlock(b -> {}), PROD).reads(writer)
        .replica(REPLICA, reader).build();

    List<SqlResult> results = data.query(SqlCall.of("bot", "SELECT count(*) FROM executives"));

    assertThat(results.get(0).ranOn()).isEqualTo(REPLICA);
    Map<String, Object> outcome = events.last("execution");
    assertThat(outcome).containsEntry("environment", PROD);
    assertThat(Events.map(outcome.get("details"))).containsEntry("ranOn", REPLICA);
    assertThatThrownBy(() -> guard(airlock(b -> {}), PROD).reads(reader).replica(DEV, reader)
        .build()).hasMessageContaining("is not declared as a replica of 'orders-db'");
  }

  @Test
  void whatThisLayerRefusesItRefusesBeforeAnyoneIsAsked() {
    GuardedDataSource data = guard(airlock(b -> {}), DEV).reads(reader).build();

    assertThat(refusal(() -> data.query(SqlCall.of("bot", "DELETE FROM executives WHERE id = 1"))))
        .isEqualTo(ReasonCode.NOT_A_READ);
    assertThat(refusal(() -> data.execute(SqlCall.of("bot",
        "SELECT 1; DELETE FROM executives WHERE id = 1")))).isEqualTo(ReasonCode.MULTIPLE_STATEMENTS);
    assertThat(refusal(() -> data.execute(SqlCall.of("bot", "DELETE FROM executives WHERE id = 1"))))
        .isEqualTo(ReasonCode.NO_WRITE_PATH);
    assertThat(SqlTool.of(data, "bot").execute("DELETE FROM executives WHERE id = 1"))
        .startsWith("Refused by Airlock (jdbc, NO_WRITE_PATH)");
    assertThat(SqlTool.of(data, "bot").query("SELECT * FROM no_such_table"))
        .contains("SQLSTATE 42P01");
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void theBuilderSaysWhatIsMissing() {
    Airlock airlock = airlock(b -> {});
    assertThatThrownBy(() -> guard(airlock, PROD).build()).hasMessageContaining("reads(");
    assertThatThrownBy(() -> guard(airlock, "nope").reads(reader).build())
        .hasMessageContaining("'nope' is not declared");
    assertThatThrownBy(() -> guard(airlock, PROD).reads(reader).tool("run_sql", "query").build())
        .hasMessageContaining("sqlTool(\"run_sql\", \"query\", \"orders-db\")");
  }

  /** A data source that hands out one physical connection, whose close() is ignored. */
  private static DataSource singleConnection(DataSource data) {
    Connection physical;
    try {
      physical = data.getConnection();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    Connection shared = (Connection) Proxy.newProxyInstance(
        Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> method.getName().equals("close") ? null
            : method.invoke(physical, args));
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) ->
            method.getName().equals("getConnection") ? shared : method.invoke(data, args));
  }
}
