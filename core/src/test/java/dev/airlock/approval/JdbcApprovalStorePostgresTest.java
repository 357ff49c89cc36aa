package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The approval store contract on a real PostgreSQL 14, and two instances racing on it. */
class JdbcApprovalStorePostgresTest extends JdbcApprovalStoreContract {
  private static DataSource data;

  @BeforeAll
  static void createDatabase() {
    data = Databases.postgres();
  }

  @Override
  DataSource dataSource() {
    return data;
  }

  @Override
  String productName() {
    return "PostgreSQL";
  }

  @Test
  void twoInstancesRacingForOneGrantUseItOnce() throws Exception {
    // Each instance with its own pooled connections, as two application instances would have.
    ApprovalStore first = JdbcApprovalStore.builder(new Databases.Pooled(data)).build();
    ApprovalStore second = JdbcApprovalStore.builder(new Databases.Pooled(data)).build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 100; round++) {
        String id = "race-" + round;
        first.create(pending(id, call("DELETE FROM orders WHERE id = " + round), T0));
        first.decide(id, ApprovalDecision.approve("alice", null), null, T0.plusSeconds(1),
            T0.plus(TTL));
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Boolean> a = pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return first.use(id, T0.plusSeconds(2));
        });
        Future<Boolean> b = pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return second.use(id, T0.plusSeconds(2));
        });

        boolean usedByFirst = a.get(10, TimeUnit.SECONDS);
        boolean usedBySecond = b.get(10, TimeUnit.SECONDS);

        assertThat(usedByFirst ^ usedBySecond)
            .as("round %d: first %s, second %s", round, usedByFirst, usedBySecond).isTrue();
        assertThat(second.find(id).orElseThrow().status()).isEqualTo(ApprovalStatus.USED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoInstancesExpiringAtOnceReturnEachRequestToOneOfThem() throws Exception {
    ApprovalStore first = JdbcApprovalStore.builder(new Databases.Pooled(data)).build();
    ApprovalStore second = JdbcApprovalStore.builder(new Databases.Pooled(data)).build();
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      all.add(ask("lapsed-" + i, "DELETE FROM orders WHERE id = " + i, T0).requestId());
    }
    Instant now = T0.plus(TTL);
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<ApprovalRecord>> a = pool.submit(() -> {
        start.await(10, TimeUnit.SECONDS);
        return first.expire(now);
      });
      Future<List<ApprovalRecord>> b = pool.submit(() -> {
        start.await(10, TimeUnit.SECONDS);
        return second.expire(now);
      });
      List<String> byFirst = ids(a.get(30, TimeUnit.SECONDS));
      List<String> bySecond = ids(b.get(30, TimeUnit.SECONDS));

      // One may well expire all of them (each change is committed in one transaction, and the
      // other's conditional updates then find nothing): what counts is that none goes to both.
      Set<String> both = new HashSet<>(byFirst);
      both.retainAll(bySecond);
      assertThat(both).isEmpty();
      assertThat(byFirst).doesNotHaveDuplicates();
      assertThat(bySecond).doesNotHaveDuplicates();
      Set<String> union = new HashSet<>(byFirst);
      union.addAll(bySecond);
      assertThat(union).isEqualTo(all);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> ids(List<ApprovalRecord> records) {
    return records.stream().map(ApprovalRecord::requestId).toList();
  }
}
