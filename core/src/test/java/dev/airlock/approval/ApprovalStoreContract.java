package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.airlock.Effect;
import dev.airlock.StagingRun;
import dev.airlock.ToolCall;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ApprovalStore} does, as its interface's javadoc states it; each
 * implementation's test extends this class. Time is passed in, from fixed instants: no test
 * sleeps.
 */
abstract class ApprovalStoreContract {
  /** A start with milliseconds, which every store must keep. */
  static final Instant T0 = Instant.parse("2025-07-18T09:30:00.123Z");
  static final Duration TTL = Duration.ofMinutes(15);

  ApprovalStore store;

  /** A new store with no requests and no staging runs. */
  abstract ApprovalStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  static ToolCall call(String sql) {
    return ToolCall.builder("run_sql")
        .argument("sql", sql)
        .environment("orders-db")
        .agent("cleanup-bot")
        .session("chat-42")
        .reason("remove the stale rows")
        .build();
  }

  static ApprovalRecord pending(String id, ToolCall call, Instant at) {
    return ApprovalRecord.pending(id, call, Effect.DESTRUCTIVE, 12L, at, at.plus(TTL));
  }

  /** Creates a request for a call and returns it. */
  ApprovalRecord ask(String id, String sql, Instant at) {
    ApprovalRecord r = pending(id, call(sql), at);
    store.create(r);
    return r;
  }

  ApprovalRecord approve(String id, Instant at) {
    return store.decide(id, ApprovalDecision.approve("alice@example.com", "fine"), 12L, at,
        at.plus(TTL)).orElseThrow();
  }

  // --- create and find

  @Test
  void aCreatedRequestIsFoundAsItWasSaved() {
    ApprovalRecord r = pending("r1", call("DELETE FROM orders WHERE id = 7"), T0);

    store.create(r);

    assertThat(store.find("r1")).contains(r);
  }

  @Test
  void anUnknownRequestIsNotFound() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);

    assertThat(store.find("r2")).isEmpty();
  }

  @Test
  void creatingAnExistingIdFailsAndKeepsTheFirst() {
    ApprovalRecord first = ask("r1", "DELETE FROM orders WHERE id = 7", T0);

    assertThatIllegalStateException()
        .isThrownBy(() -> store.create(pending("r1", call("DELETE FROM orders"), T0)))
        .withMessageContaining("r1");
    assertThat(store.find("r1")).contains(first);
  }

  @Test
  void creatingARequestThatIsNotPendingFails() {
    ToolCall call = call("DELETE FROM orders WHERE id = 7");
    ApprovalRecord approved = new ApprovalRecord("r1", ApprovalGrant.bindingHash(call), call,
        Effect.WRITE, null, ApprovalStatus.APPROVED, T0, T0.plus(TTL), "alice", null, null, T0,
        null);

    assertThatIllegalArgumentException().isThrownBy(() -> store.create(approved))
        .withMessageContaining("PENDING");
    assertThat(store.find("r1")).isEmpty();
  }

  @Test
  void nullArgumentsAreRefused() {
    ApprovalDecision yes = ApprovalDecision.approve("alice", null);
    assertThatNullPointerException().isThrownBy(() -> store.create(null));
    assertThatNullPointerException().isThrownBy(() -> store.find(null));
    assertThatNullPointerException().isThrownBy(() -> store.findOpen(null, T0));
    assertThatNullPointerException().isThrownBy(() -> store.findOpen("h", null));
    assertThatNullPointerException().isThrownBy(() -> store.pending(null));
    assertThatNullPointerException().isThrownBy(() -> store.decide(null, yes, null, T0, T0));
    assertThatNullPointerException().isThrownBy(() -> store.decide("r", null, null, T0, T0));
    assertThatNullPointerException().isThrownBy(() -> store.decide("r", yes, null, null, T0));
    assertThatNullPointerException().isThrownBy(() -> store.use(null, T0));
    assertThatNullPointerException().isThrownBy(() -> store.use("r", null));
    assertThatNullPointerException().isThrownBy(() -> store.expire(null));
    assertThatNullPointerException().isThrownBy(() -> store.recordStagingRun(null));
    assertThatNullPointerException().isThrownBy(() -> store.lastStagingRun(null, "h", T0));
    assertThatNullPointerException().isThrownBy(() -> store.lastStagingRun("s", null, T0));
    assertThatNullPointerException().isThrownBy(() -> store.lastStagingRun("s", "h", null));
  }

  @Test
  void anApprovalNeedsTheGrantsExpiry() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);

    assertThatNullPointerException().isThrownBy(() ->
        store.decide("r1", ApprovalDecision.approve("alice", null), null, T0, null));
  }

  // --- findOpen

  @Test
  void findOpenReturnsTheNewestOpenRequestOfTheCall() {
    ApprovalRecord older = ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    ApprovalRecord newer = ask("r2", "DELETE FROM orders WHERE id = 7", T0.plusSeconds(60));
    ask("r3", "DELETE FROM orders WHERE id = 8", T0.plusSeconds(120));

    assertThat(store.findOpen(older.bindingHash(), T0.plusSeconds(180))).contains(newer);
  }

  @Test
  void findOpenIgnoresUsedRejectedExpiredAndOtherCalls() {
    String sql = "DELETE FROM orders WHERE id = 7";
    String hash = ApprovalGrant.bindingHash(call(sql));
    ask("used", sql, T0);
    approve("used", T0.plusSeconds(1));
    assertThat(store.use("used", T0.plusSeconds(2))).isTrue();
    ask("rejected", sql, T0.plusSeconds(3));
    store.decide("rejected", ApprovalDecision.reject("bob", "no"), null, T0.plusSeconds(4), null);
    store.create(ApprovalRecord.pending("lapsed", call(sql), Effect.DESTRUCTIVE, null,
        T0.plusSeconds(5), T0.plusSeconds(60)));
    ask("other", "DELETE FROM orders WHERE id = 8", T0.plusSeconds(6));
    Instant now = T0.plusSeconds(60);

    assertThat(store.findOpen(hash, now)).isEmpty();

    ask("granted", sql, T0.plusSeconds(7));
    ApprovalRecord granted = approve("granted", T0.plusSeconds(8));
    assertThat(store.findOpen(hash, now)).contains(granted);
    assertThat(store.findOpen(hash, granted.expiresAt())).isEmpty();
  }

  // --- pending

  @Test
  void pendingListsTheUnexpiredRequestsOldestFirst() {
    ask("c", "DELETE FROM orders WHERE id = 3", T0.plusSeconds(2));
    ask("a", "DELETE FROM orders WHERE id = 1", T0);
    ask("b", "DELETE FROM orders WHERE id = 2", T0.plusSeconds(1));
    store.create(ApprovalRecord.pending("lapsed", call("DELETE FROM orders WHERE id = 4"),
        Effect.DESTRUCTIVE, null, T0.minusSeconds(600), T0.plusSeconds(60)));
    ask("decided", "DELETE FROM orders WHERE id = 5", T0.plusSeconds(3));
    approve("decided", T0.plusSeconds(4));

    assertThat(store.pending(T0.plusSeconds(60))).extracting(ApprovalRecord::requestId)
        .containsExactly("a", "b", "c");
    assertThat(store.pending(T0.plusSeconds(59))).extracting(ApprovalRecord::requestId)
        .containsExactly("lapsed", "a", "b", "c");
  }

  // --- decide

  @Test
  void anApprovalSetsTheGrant() {
    ApprovalRecord asked = ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    Instant at = T0.plusSeconds(30);
    Instant grantExpires = at.plus(TTL);

    ApprovalRecord decided = store.decide("r1",
        ApprovalDecision.approveUpTo("alice@example.com", 10, "only the ten"), 10L, at,
        grantExpires).orElseThrow();

    assertThat(decided.status()).isEqualTo(ApprovalStatus.APPROVED);
    assertThat(decided.expiresAt()).isEqualTo(grantExpires);
    assertThat(decided.decidedBy()).isEqualTo("alice@example.com");
    assertThat(decided.comment()).isEqualTo("only the ten");
    assertThat(decided.grantedMaxRows()).isEqualTo(10L);
    assertThat(decided.decidedAt()).isEqualTo(at);
    assertThat(decided.usedAt()).isNull();
    assertThat(decided.askedMaxRows()).isEqualTo(12L);
    assertThat(decided.requestedAt()).isEqualTo(T0);
    assertThat(decided.call()).isEqualTo(asked.call());
    assertThat(decided.grant()).contains(new ApprovalGrant("r1", asked.bindingHash(), 10L,
        "alice@example.com", "only the ten", at, grantExpires));
    assertThat(store.find("r1")).contains(decided);
  }

  @Test
  void aRejectionHasNoGrant() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    Instant at = T0.plusSeconds(30);

    ApprovalRecord decided = store.decide("r1",
        ApprovalDecision.reject("bob@example.com", "the whole table"), 5L, at, null)
        .orElseThrow();

    assertThat(decided.status()).isEqualTo(ApprovalStatus.REJECTED);
    assertThat(decided.grant()).isEmpty();
    assertThat(decided.grantedMaxRows()).isNull();
    assertThat(decided.decidedBy()).isEqualTo("bob@example.com");
    assertThat(decided.comment()).isEqualTo("the whole table");
    assertThat(decided.decidedAt()).isEqualTo(at);
    assertThat(decided.expiresAt()).isEqualTo(T0.plus(TTL));
    assertThat(store.find("r1")).contains(decided);
  }

  @Test
  void aRequestIsDecidedOnlyOnce() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    ApprovalRecord first = approve("r1", T0.plusSeconds(30));

    assertThat(store.decide("r1", ApprovalDecision.reject("bob", "no"), null,
        T0.plusSeconds(31), null)).isEmpty();
    assertThat(store.decide("r1", ApprovalDecision.approve("carol", "yes"), 99L,
        T0.plusSeconds(32), T0.plus(Duration.ofHours(5)))).isEmpty();
    assertThat(store.find("r1")).contains(first);
  }

  @Test
  void anExpiredRequestCannotBeDecided() {
    ApprovalRecord asked = ask("r1", "DELETE FROM orders WHERE id = 7", T0);

    assertThat(store.decide("r1", ApprovalDecision.approve("alice", null), null,
        asked.expiresAt(), asked.expiresAt().plus(TTL))).isEmpty();
    assertThat(store.decide("r1", ApprovalDecision.reject("alice", null), null,
        asked.expiresAt().plusSeconds(1), null)).isEmpty();
    assertThat(store.find("r1")).contains(asked);
  }

  @Test
  void anUnknownRequestCannotBeDecided() {
    assertThat(store.decide("nope", ApprovalDecision.approve("alice", null), null, T0,
        T0.plus(TTL))).isEmpty();
  }

  // --- use

  @Test
  void aGrantIsUsedOnlyOnce() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    ApprovalRecord approved = approve("r1", T0.plusSeconds(30));
    Instant at = T0.plusSeconds(40);

    assertThat(store.use("r1", at)).isTrue();
    assertThat(store.use("r1", at.plusSeconds(1))).isFalse();

    ApprovalRecord used = store.find("r1").orElseThrow();
    assertThat(used.status()).isEqualTo(ApprovalStatus.USED);
    assertThat(used.usedAt()).isEqualTo(at);
    assertThat(used.grant()).isEqualTo(approved.grant());
  }

  @Test
  void anExpiredGrantCannotBeUsed() {
    ask("r1", "DELETE FROM orders WHERE id = 7", T0);
    ApprovalRecord approved = approve("r1", T0.plusSeconds(30));

    assertThat(store.use("r1", approved.expiresAt())).isFalse();
    assertThat(store.use("r1", approved.expiresAt().plusSeconds(1))).isFalse();
    assertThat(store.find("r1")).contains(approved);
  }

  @Test
  void pendingRejectedAndUnknownRequestsCannotBeUsed() {
    ApprovalRecord asked = ask("waiting", "DELETE FROM orders WHERE id = 7", T0);
    ask("rejected", "DELETE FROM orders WHERE id = 8", T0);
    ApprovalRecord rejected = store.decide("rejected", ApprovalDecision.reject("bob", null), null,
        T0.plusSeconds(1), null).orElseThrow();

    assertThat(store.use("waiting", T0.plusSeconds(2))).isFalse();
    assertThat(store.use("rejected", T0.plusSeconds(2))).isFalse();
    assertThat(store.use("unknown", T0.plusSeconds(2))).isFalse();
    assertThat(store.find("waiting")).contains(asked);
    assertThat(store.find("rejected")).contains(rejected);
  }

  @Test
  void threadsRacingForOneGrantUseItOnce() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        String id = "race-" + round;
        ask(id, "DELETE FROM orders WHERE id = " + round, T0);
        approve(id, T0.plusSeconds(1));
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Boolean>> uses = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          uses.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return store.use(id, T0.plusSeconds(2));
          }));
        }
        int winners = 0;
        for (Future<Boolean> use : uses) {
          winners += use.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // --- expire

  @Test
  void expireReturnsEachExpiredRequestOnceAndLeavesFinalOnesAlone() {
    ask("lapsed", "DELETE FROM orders WHERE id = 1", T0);
    ask("granted", "DELETE FROM orders WHERE id = 2", T0);
    approve("granted", T0.plusSeconds(1));
    ask("used", "DELETE FROM orders WHERE id = 3", T0);
    approve("used", T0.plusSeconds(1));
    store.use("used", T0.plusSeconds(2));
    ask("rejected", "DELETE FROM orders WHERE id = 4", T0);
    store.decide("rejected", ApprovalDecision.reject("bob", null), null, T0.plusSeconds(1), null);
    ApprovalRecord open = ask("open", "DELETE FROM orders WHERE id = 5", T0.plus(TTL));
    ApprovalRecord used = store.find("used").orElseThrow();
    ApprovalRecord rejected = store.find("rejected").orElseThrow();
    Instant now = T0.plus(TTL).plusSeconds(1);

    List<ApprovalRecord> expired = store.expire(now);

    assertThat(expired).extracting(ApprovalRecord::requestId)
        .containsExactlyInAnyOrder("lapsed", "granted");
    assertThat(expired).extracting(ApprovalRecord::status).containsOnly(ApprovalStatus.EXPIRED);
    assertThat(expired).filteredOn(r -> r.requestId().equals("granted")).singleElement()
        .satisfies(r -> assertThat(r.grant()).isPresent());
    assertThat(expired).filteredOn(r -> r.requestId().equals("lapsed")).singleElement()
        .satisfies(r -> assertThat(r.grant()).isEmpty());
    for (ApprovalRecord r : expired) {
      assertThat(store.find(r.requestId())).contains(r);
    }
    assertThat(store.expire(now)).isEmpty();
    assertThat(store.find("used")).contains(used);
    assertThat(store.find("rejected")).contains(rejected);
    assertThat(store.find("open")).contains(open);
  }

  @Test
  void anExpiredRequestIsNoLongerOpen() {
    ApprovalRecord asked = ask("r1", "DELETE FROM orders WHERE id = 7", T0);

    assertThat(store.expire(asked.expiresAt().minusMillis(1))).isEmpty();
    assertThat(store.expire(asked.expiresAt())).extracting(ApprovalRecord::requestId)
        .containsExactly("r1");
    assertThat(store.decide("r1", ApprovalDecision.approve("alice", null), null, T0,
        T0.plus(TTL))).isEmpty();
    assertThat(store.findOpen(asked.bindingHash(), T0)).isEmpty();
    assertThat(store.pending(T0)).isEmpty();
  }

  // --- staging runs

  @Test
  void theNewestStagingRunInTheWindowIsFound() {
    String hash = "a".repeat(64);
    StagingRun older = new StagingRun(hash, "orders-staging", "orders-db", 12, T0, "c1", "bot");
    StagingRun newer = new StagingRun(hash, "orders-staging", "orders-db", -1,
        T0.plusSeconds(60), "c2", "bot");
    StagingRun otherStatement = new StagingRun("b".repeat(64), "orders-staging", "orders-db", 3,
        T0.plusSeconds(120), "c3", "bot");
    store.recordStagingRun(newer);
    store.recordStagingRun(older);
    store.recordStagingRun(otherStatement);

    assertThat(store.lastStagingRun("orders-staging", hash, T0)).contains(newer);
    assertThat(store.lastStagingRun("orders-staging", hash, T0.plusSeconds(60))).contains(newer);
    assertThat(store.lastStagingRun("orders-staging", hash, T0.plusSeconds(60).plusMillis(1)))
        .isEmpty();
  }

  @Test
  void aStagingRunOfAnotherEnvironmentOrStatementIsNotFound() {
    String hash = "a".repeat(64);
    store.recordStagingRun(new StagingRun(hash, "orders-staging", "orders-db", 12, T0, "c1",
        "bot"));

    assertThat(store.lastStagingRun("billing-staging", hash, T0)).isEmpty();
    assertThat(store.lastStagingRun("orders-staging", "c".repeat(64), T0)).isEmpty();
  }

  // --- the call itself

  @Test
  void theCallComesBackWithTheSameBindingHash() {
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("missing", null);
    withNull.put("ключ", "значение");
    Map<String, Object> arguments = new HashMap<>();
    arguments.put("sql", "UPDATE orders SET note = 'Zoë — 東京 🚀' WHERE id = ?");
    arguments.put("int", 42);
    arguments.put("long", Long.MAX_VALUE);
    arguments.put("negative", -7L);
    arguments.put("big", new BigInteger("123456789012345678901234567890123456789012345678901"));
    arguments.put("decimal", new BigDecimal("0.1000000000000000055"));
    arguments.put("trailingZeros", new BigDecimal("2.50"));
    arguments.put("double", 0.1d);
    arguments.put("integralDouble", 3.0d);
    arguments.put("float", 1.5f);
    arguments.put("tiny", 1e-300);
    arguments.put("bool", true);
    arguments.put("null", null);
    arguments.put("nested", List.of(1, "two", List.of(3.25, Map.of()), withNull));
    arguments.put("nulls", Arrays.asList("a", null, List.of()));
    arguments.put("control", "tab\there, newline\nthere, nul \u0000, quote \" and \\");
    ToolCall call = ToolCall.builder("run_sql")
        .callId("call-7")
        .arguments(arguments)
        .environment("orders-db")
        .agent("cleanup-bot")
        .reason("die Bestellungen aufräumen 🧹")
        .build();
    ApprovalRecord r = pending("r1", call, T0);

    store.create(r);
    ToolCall back = store.find("r1").orElseThrow().call();

    assertThat(ApprovalGrant.bindingHash(back)).isEqualTo(r.bindingHash());
    assertThat(back.callId()).isEqualTo("call-7");
    assertThat(back.tool()).isEqualTo("run_sql");
    assertThat(back.environment()).isEqualTo("orders-db");
    assertThat(back.agent()).isEqualTo("cleanup-bot");
    assertThat(back.sessionId()).isNull();
    assertThat(back.reason()).isEqualTo("die Bestellungen aufräumen 🧹");
    assertThat(back.arguments()).containsKeys(arguments.keySet().toArray(String[]::new))
        .containsEntry("sql", arguments.get("sql"))
        .containsEntry("control", arguments.get("control"))
        .containsEntry("null", null);
    assertThat(store.findOpen(r.bindingHash(), T0)).map(ApprovalRecord::requestId)
        .contains("r1");
  }
}
