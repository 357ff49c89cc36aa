package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Effect;
import dev.airlock.ToolCall;
import dev.airlock.jdbc.Postgres;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's tables: shipped as plain scripts, applied once, checked, and never downgraded. */
class ApprovalSchemaTest {
  private static final String POSTGRES_SCRIPT =
      "dev/airlock/approval/schema/postgresql/V1__airlock_approvals.sql";
  private static final String H2_SCRIPT =
      "dev/airlock/approval/schema/h2/V1__airlock_approvals.sql";

  private static DataSource fresh(String database) {
    return database.equals("postgresql") ? Databases.postgres() : Databases.h2();
  }

  private static String script(String database) {
    return database.equals("postgresql") ? POSTGRES_SCRIPT : H2_SCRIPT;
  }

  private static String text(String resource) throws IOException {
    try (InputStream in = ApprovalSchemaTest.class.getClassLoader()
        .getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {POSTGRES_SCRIPT, H2_SCRIPT})
  void theScriptsAreOnTheClassPathAndCreateEveryTable(String resource) throws IOException {
    String sql = text(resource);

    for (String table : ApprovalSchema.TABLES) {
      assertThat(sql).contains("CREATE TABLE IF NOT EXISTS " + table + " (");
    }
    assertThat(sql).contains("request_id", "binding_hash", "call_json", "effect",
        "asked_max_rows", "status", "requested_at", "expires_at", "decided_by",
        "decision_comment", "granted_max_rows", "decided_at", "used_at", "statement_sha256",
        "staging_environment", "production_environment", "rows_changed", "ran_at", "call_id",
        "agent", "scope", "reason", "engaged_by", "engaged_at", "applied_at");
    assertThat(sql).contains("INSERT INTO airlock_schema_version (version)");
    assertThat(ApprovalSchema.statements(resource)).hasSize(8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "h2"})
  void applyingTwiceChangesNothing(String database) {
    DataSource data = fresh(database);
    JdbcApprovalStore first = JdbcApprovalStore.builder(data).build();
    ToolCall call = ToolCall.builder("run_sql").argument("sql", "DELETE FROM t WHERE id = 1")
        .environment("orders-db").agent("bot").build();
    Instant now = Instant.parse("2025-07-18T09:30:00Z");
    first.create(ApprovalRecord.pending("r1", call, Effect.DESTRUCTIVE, null, now,
        now.plusSeconds(900)));

    JdbcApprovalStore second = JdbcApprovalStore.builder(data).build();

    assertThat(second.find("r1")).isPresent();
    assertThat(Postgres.count(data, "SELECT COUNT(*) FROM airlock_schema_version"))
        .isEqualTo(1);
    assertThat(Postgres.count(data, "SELECT MAX(version) FROM airlock_schema_version"))
        .isEqualTo(ApprovalSchema.latestVersion());
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "h2"})
  void twoBuildsAtOnceOnAFreshDatabaseBothSucceed(String database) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        DataSource data = fresh(database);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<JdbcApprovalStore>> builds = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          builds.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return JdbcApprovalStore.builder(data).build();
          }));
        }
        for (Future<JdbcApprovalStore> build : builds) {
          assertThat(build.get(30, TimeUnit.SECONDS).pending(Instant.EPOCH)).isEmpty();
        }
        assertThat(Postgres.count(data, "SELECT COUNT(*) FROM airlock_schema_version"))
            .isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void h2StartersWithoutACommonLockStillApplyTheSchemaOnce() throws Exception {
    // As two JVMs on one H2 server would: no lock between them, so their DDL races.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        DataSource data = fresh("h2");
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<?>> starts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          starts.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            ApprovalSchema.applyWithRetries(data, StoreDialect.H2);
            return null;
          }));
        }
        for (Future<?> f : starts) {
          f.get(30, TimeUnit.SECONDS);
        }
        ApprovalSchema.check(data, StoreDialect.H2);
        assertThat(Postgres.count(data, "SELECT COUNT(*) FROM airlock_schema_version"))
            .isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "h2"})
  void checkingAnEmptyDatabaseNamesTheScriptToRun(String database) {
    DataSource data = fresh(database);

    assertThatIllegalStateException()
        .isThrownBy(() -> JdbcApprovalStore.builder(data).applySchema(false).build())
        .withMessageContaining(script(database))
        .withMessageContaining("airlock_approvals")
        .withMessageContaining("applySchema(true)");
    assertThat(Postgres.count(data, "SELECT COUNT(*) FROM information_schema.tables"
        + " WHERE LOWER(table_name) LIKE 'airlock%'")).isZero();
  }

  @Test
  void aPostgresScriptRunByHandSatisfiesTheCheck() throws IOException {
    DataSource data = fresh("postgresql");
    // One Statement.execute of the whole file, as psql or a migration tool would send it.
    Postgres.run(data, text(POSTGRES_SCRIPT));

    JdbcApprovalStore store = JdbcApprovalStore.builder(data).applySchema(false).build();

    assertThat(store.pending(Instant.EPOCH)).isEmpty();
  }

  @Test
  void anH2ScriptRunByHandSatisfiesTheCheck() {
    DataSource data = fresh("h2");
    Postgres.run(data, "RUNSCRIPT FROM 'classpath:/" + H2_SCRIPT + "'");

    JdbcApprovalStore store = JdbcApprovalStore.builder(data).applySchema(false).build();

    assertThat(store.pending(Instant.EPOCH)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "h2"})
  void tablesWithoutTheirVersionNameTheScriptToRun(String database) {
    DataSource data = fresh(database);
    JdbcApprovalStore.builder(data).build();
    Postgres.run(data, "DELETE FROM airlock_schema_version");

    assertThatIllegalStateException()
        .isThrownBy(() -> JdbcApprovalStore.builder(data).applySchema(false).build())
        .withMessageContaining("version 0")
        .withMessageContaining(script(database));
    assertThat(JdbcApprovalStore.builder(data).build().pending(Instant.EPOCH)).isEmpty();
    assertThat(Postgres.count(data, "SELECT MAX(version) FROM airlock_schema_version"))
        .isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "h2"})
  void aNewerSchemaIsRefused(String database) {
    DataSource data = fresh(database);
    JdbcApprovalStore.builder(data).build();
    Postgres.run(data, "INSERT INTO airlock_schema_version (version) VALUES (2)");

    for (boolean apply : new boolean[] {true, false}) {
      assertThatIllegalStateException()
          .isThrownBy(() -> JdbcApprovalStore.builder(data).applySchema(apply).build())
          .withMessageContaining("version 2")
          .withMessageContaining("newer");
    }
  }

  @Test
  void aUserWhoMayNotCreateTablesIsToldWhatToRun() {
    String database = Postgres.newDatabase();
    DataSource reader = Postgres.as("airlock_reader", database);

    assertThatThrownBy(() -> JdbcApprovalStore.builder(reader).build())
        .isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining(POSTGRES_SCRIPT)
        .hasMessageContaining("SQLSTATE 42501");
  }

  @Test
  void onlyPostgresAndH2AreSupported() {
    DatabaseMetaData meta = (DatabaseMetaData) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {DatabaseMetaData.class},
        (proxy, method, args) -> method.getName().equals("getDatabaseProductName")
            ? "MySQL" : null);
    Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class},
        (proxy, method, args) -> method.getName().equals("getMetaData") ? meta : null);
    DataSource mysql = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DataSource.class},
        (proxy, method, args) -> method.getName().equals("getConnection") ? connection : null);

    assertThatIllegalArgumentException()
        .isThrownBy(() -> JdbcApprovalStore.builder(mysql).build())
        .withMessageContaining("supports PostgreSQL and H2")
        .withMessageContaining("MySQL");
  }

  @Test
  void anUnreachableDatabaseFailsTheBuild() {
    Databases.Switchable down = new Databases.Switchable(Databases.h2());
    down.fail(true);

    assertThatThrownBy(() -> JdbcApprovalStore.builder(down).build())
        .isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining("could not connect");
  }

  @Test
  void theBuilderRefusesBadSettings() {
    JdbcApprovalStore.Builder builder = JdbcApprovalStore.builder(Databases.h2());

    assertThatThrownBy(() -> JdbcApprovalStore.builder(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("dataSource");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder.killSwitchStaleness(Duration.ofMillis(-1)))
        .withMessageContaining("killSwitchStaleness");
    assertThatThrownBy(() -> builder.killSwitchStaleness(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class);
  }
}
