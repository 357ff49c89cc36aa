package dev.airlock.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Airlock;
import dev.airlock.Decision;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.ToolCallRefusedException;
import dev.airlock.approval.ApprovalDecision;
import dev.airlock.approval.ApprovalRequest;
import dev.airlock.approval.ApprovalStore;
import dev.airlock.approval.JdbcApprovalStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Approved writes through the guarded data source on a real PostgreSQL, with the approval store
 * and the kill switch in the same database: what a person approved is what runs, at most once,
 * within the rows they approved, from any instance.
 */
class ApprovedWritesPostgresTest {
  private static final String PROD = "orders-db";
  private static final String STAGING = "orders-staging";
  private static final String DELETE = "DELETE FROM executives";

  private static DataSource admin;
  private static DataSource reader;
  private static DataSource writer;
  private static DataSource staging;
  private static DataSource storeData;

  private final Events events = new Events();
  private final List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void createDatabases() {
    String db = Postgres.newDatabase();
    admin = Postgres.admin(db);
    reader = Postgres.as("airlock_reader", db);
    writer = Postgres.as("airlock_writer", db);
    String stagingDb = Postgres.newDatabase();
    staging = Postgres.as("airlock_writer", stagingDb);
    Postgres.run(Postgres.admin(stagingDb),
        "CREATE TABLE executives (id int PRIMARY KEY, name text NOT NULL)",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON executives TO airlock_writer");
    storeData = Postgres.as("airlock_writer", Postgres.newDatabase());
    Postgres.run(admin, "CREATE TABLE executives (id int PRIMARY KEY, name text NOT NULL)");
  }

  @BeforeEach
  void seed() {
    Postgres.run(admin, "TRUNCATE executives", "INSERT INTO executives SELECT i, 'Executive ' || i"
        + " FROM generate_series(1, 1206) i");
  }

  private Airlock airlock(ApprovalStore store) {
    return Airlock.builder()
        .environment(Environment.production(PROD))
        .environment(Environment.staging(STAGING, PROD))
        .sqlTool("sql", "sql")
        .approvalStore(store) // and with it, by default, the store's shared kill switch
        .approver(request -> {
          asked.add(request);
          return new CompletableFuture<>();
        })
        .auditSink(events)
        .build();
  }

  private static JdbcApprovalStore store() {
    return JdbcApprovalStore.builder(storeData).killSwitchStaleness(Duration.ZERO).build();
  }

  private static GuardedDataSource production(Airlock airlock) {
    return GuardedDataSource.builder(airlock, PROD).reads(reader).writes(writer).build();
  }

  private static long executives() {
    return Postgres.count(admin, "SELECT count(*) FROM executives");
  }

  private static String requestOf(GuardedDataSource data, SqlCall call) {
    try {
      data.execute(call);
    } catch (ToolCallRefusedException e) {
      assertThat(e.decision()).isInstanceOf(Decision.NeedsApproval.class);
      return ((Decision.NeedsApproval) e.decision()).requestId();
    }
    throw new AssertionError("the call ran without approval");
  }

  @Test
  void aDeleteApprovedForTwelveRowsThatWouldTouch1206IsRolledBack() {
    Airlock airlock = airlock(store());
    GuardedDataSource prod = production(airlock);
    SqlCall call = SqlCall.of("cleanup-bot", "DELETE FROM executives WHERE id > ?", 0);
    String id = requestOf(prod, call);

    airlock.decide(id, ApprovalDecision.approveUpTo("alice", 12, "only the twelve stale ones"));

    assertThatThrownBy(() -> prod.execute(call))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e -> {
          assertThat(e.decision().primaryReason().code())
              .isEqualTo(ReasonCode.ROW_LIMIT_EXCEEDED);
          assertThat(e.decision().primaryReason().message())
              .contains("changed 1206 rows, more than the 12 allowed", "rolled back");
        });
    assertThat(executives()).isEqualTo(1206);
    // The grant was used by that attempt: sending it again asks a person again.
    assertThat(requestOf(prod, call)).isNotEqualTo(id);
  }

  @Test
  void stagingFirstThenAPersonSeesBothCountsThenTheApprovedDeleteRunsOnce() {
    Airlock airlock = airlock(store());
    GuardedDataSource prod = production(airlock);
    GuardedDataSource stage = GuardedDataSource.builder(airlock, STAGING).reads(staging)
        .writes(staging).build();
    Postgres.run(staging, "DELETE FROM executives", "INSERT INTO executives SELECT i, 'E' || i"
        + " FROM generate_series(1, 1206) i");
    SqlCall call = SqlCall.of("cleanup-bot", DELETE);

    assertThatThrownBy(() -> prod.execute(call))
        .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
            assertThat(e.decision().primaryReason().code())
                .isEqualTo(ReasonCode.STAGING_RUN_REQUIRED));
    stage.execute(call);
    String id = requestOf(prod, call);

    ApprovalRequest request = awaitRequest();
    assertThat(request.requestId()).isEqualTo(id);
    assertThat(request.stagingRun()).get().extracting(run -> run.rowsChanged()).isEqualTo(1206L);
    assertThat(request.rows().exact()).hasValue(1206);
    assertThat(request.sql()).isEqualTo(DELETE);

    airlock.decide(id, ApprovalDecision.approve("alice", "the table is being rebuilt"));
    prod.execute(call);
    assertThat(executives()).isZero();
    seed();
    assertThat(requestOf(prod, call)).isNotEqualTo(id);
    assertThat(executives()).isEqualTo(1206);
  }

  @Test
  void anotherInstanceAfterARestartResumesTheApprovedCall() {
    String id;
    try (Airlock before = airlock(store())) {
      id = requestOf(production(before), SqlCall.of("cleanup-bot",
          "DELETE FROM executives WHERE id <= ?", 12));
    }

    Airlock after = airlock(store());
    production(after); // registers the SQL tool's handler for resume
    after.decide(id, ApprovalDecision.approve("alice", "after the restart"));
    List<?> results = (List<?>) after.resume(id);

    assertThat(results).singleElement()
        .satisfies(r -> assertThat(((SqlResult) r).updateCount()).isEqualTo(12L));
    assertThat(executives()).isEqualTo(1194);
    assertThatThrownBy(() -> after.resume(id)).isInstanceOf(ToolCallRefusedException.class);
  }

  @Test
  void theKillSwitchEngagedOnOneInstanceStopsTheOther() {
    Airlock one = airlock(store());
    Airlock two = airlock(store());
    GuardedDataSource onTwo = production(two);
    try {
      one.killSwitch().engageForAgent("report-bot", "it read the wrong table", "oncall");

      assertThatThrownBy(() -> onTwo.query(SqlCall.of("report-bot", "SELECT 1")))
          .isInstanceOfSatisfying(ToolCallRefusedException.class, e ->
              assertThat(e.decision().primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH));
      assertThat(onTwo.query(SqlCall.of("other-bot", "SELECT 1"))).hasSize(1);
    } finally {
      one.killSwitch().releaseForAgent("report-bot", "oncall");
    }
    assertThat(onTwo.query(SqlCall.of("report-bot", "SELECT 1"))).hasSize(1);
  }

  private ApprovalRequest awaitRequest() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (asked.isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertThat(asked).isNotEmpty();
    return asked.get(asked.size() - 1);
  }
}
