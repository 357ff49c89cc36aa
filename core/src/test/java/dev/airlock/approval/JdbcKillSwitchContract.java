package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.Airlock;
import dev.airlock.Decision;
import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.KillSwitch;
import dev.airlock.KillSwitch.Engagement;
import dev.airlock.ReasonCode;
import dev.airlock.ToolCall;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kill switch kept in the store's database, as two instances share it: what one engages
 * reaches the other within its staleness, read through a test clock instead of sleeping.
 */
abstract class JdbcKillSwitchContract {
  private static final Instant T0 = Instant.parse("2025-07-18T09:30:00.123456Z");
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final MutableClock clock = new MutableClock(T0);

  /** The database of the test class. */
  abstract DataSource dataSource();

  @BeforeEach
  void emptyTheSwitch() {
    JdbcApprovalStore.builder(dataSource()).build();
    Databases.clear(dataSource());
  }

  private KillSwitch instance(Duration staleness) {
    return instance(dataSource(), staleness);
  }

  private KillSwitch instance(DataSource data, Duration staleness) {
    return JdbcApprovalStore.builder(data).killSwitchStaleness(staleness).clock(clock).build()
        .killSwitch();
  }

  @Test
  void anEngagementReachesAnotherInstanceOnceItsStalenessHasPassed() {
    KillSwitch a = instance(Duration.ZERO);
    KillSwitch b = instance(SECOND);
    assertThat(b.engagementFor("bot")).isEmpty();

    a.engage("incident 42", "oncall@example.com");

    assertThat(b.engagementFor("bot")).as("within the staleness").isEmpty();
    clock.advance(SECOND.minusMillis(1));
    assertThat(b.engagementFor("bot")).as("just before the staleness ends").isEmpty();
    clock.advance(Duration.ofMillis(1));
    assertThat(b.engagementFor("bot"))
        .contains(new Engagement(null, "incident 42", "oncall@example.com", T0));
  }

  @Test
  void aReleaseReachesAnotherInstanceOnceItsStalenessHasPassed() {
    KillSwitch a = instance(Duration.ZERO);
    KillSwitch b = instance(SECOND);
    a.engage("incident 42", "oncall");
    assertThat(b.engagementFor("bot")).isPresent();

    a.release("oncall");

    assertThat(b.engagementFor("bot")).isPresent();
    clock.advance(SECOND);
    assertThat(b.engagementFor("bot")).isEmpty();
  }

  @Test
  void zeroStalenessSeesEveryChangeAtOnce() {
    KillSwitch a = instance(Duration.ZERO);
    KillSwitch b = instance(Duration.ZERO);
    assertThat(b.engagementFor("bot")).isEmpty();

    a.engageForAgent("bot", "misbehaving", "oncall");
    assertThat(b.engagementFor("bot")).map(Engagement::reason).contains("misbehaving");

    a.releaseForAgent("bot", "oncall");
    assertThat(b.engagementFor("bot")).isEmpty();
  }

  @Test
  void theInstanceThatMakesAChangeSeesItAtOnce() {
    KillSwitch a = instance(Duration.ofHours(1));
    assertThat(a.engagementFor("bot")).isEmpty();

    a.engage("incident 42", "oncall");
    assertThat(a.engagementFor("bot")).isPresent();

    a.release("oncall");
    assertThat(a.engagementFor("bot")).isEmpty();

    a.engageForAgent("bot", "misbehaving", "oncall");
    assertThat(a.engagementFor("bot")).isPresent();

    a.releaseForAgent("bot", "oncall");
    assertThat(a.engagementFor("bot")).isEmpty();
  }

  @Test
  void anAgentsEngagementStopsOnlyThatAgent() {
    KillSwitch a = instance(Duration.ZERO);

    a.engageForAgent("bot", "misbehaving", "oncall");

    assertThat(a.engagementFor("bot"))
        .contains(new Engagement("bot", "misbehaving", "oncall", T0));
    assertThat(a.engagementFor("analyst")).isEmpty();
  }

  @Test
  void theEngagementForAllAgentsComesFirst() {
    KillSwitch a = instance(Duration.ZERO);
    a.engageForAgent("bot", "misbehaving", "oncall");
    clock.advance(SECOND);
    a.engage("incident 42", "lead");

    assertThat(a.engagementFor("bot")).map(Engagement::isGlobal).contains(true);
    assertThat(a.engagementFor("analyst")).map(Engagement::reason).contains("incident 42");

    a.release("lead");
    assertThat(a.engagementFor("bot")).map(Engagement::reason).contains("misbehaving");
    assertThat(a.engagementFor("analyst")).isEmpty();

    a.engage("incident 43", "lead");
    a.releaseForAgent("bot", "oncall");
    assertThat(a.engagementFor("bot")).map(Engagement::reason).contains("incident 43");
  }

  @Test
  void engagingAgainReplacesTheEngagement() {
    KillSwitch a = instance(Duration.ZERO);
    a.engage("incident 42", "oncall");
    a.engageForAgent("bot", "misbehaving", "oncall");
    clock.advance(Duration.ofMinutes(5));

    a.engage("incident 43", "lead");
    a.engageForAgent("bot", "still misbehaving", "lead");

    Instant later = T0.plus(Duration.ofMinutes(5));
    assertThat(a.engagementFor("analyst"))
        .contains(new Engagement(null, "incident 43", "lead", later));
    a.release("lead");
    assertThat(a.engagementFor("bot"))
        .contains(new Engagement("bot", "still misbehaving", "lead", later));
  }

  @Test
  void anUnreadableSwitchThrowsAndTheNextCallReadsAgain() {
    Databases.Switchable flaky = new Databases.Switchable(dataSource());
    KillSwitch b = instance(flaky, SECOND);
    instance(Duration.ZERO).engage("incident 42", "oncall");
    flaky.fail(true);

    assertThatThrownBy(() -> b.engagementFor("bot"))
        .isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining("could not read the kill switch");
    int attempts = flaky.attempts();
    assertThatThrownBy(() -> b.engagementFor("bot")).isInstanceOf(ApprovalStoreException.class);
    assertThat(flaky.attempts()).as("a failure is not cached").isEqualTo(attempts + 1);

    flaky.fail(false);
    assertThat(b.engagementFor("bot")).map(Engagement::reason).contains("incident 42");
  }

  @Test
  void aCachedAnswerHoldsUntilItsStalenessThenTheFailureShows() {
    Databases.Switchable flaky = new Databases.Switchable(dataSource());
    KillSwitch b = instance(flaky, SECOND);
    assertThat(b.engagementFor("bot")).isEmpty();
    flaky.fail(true);

    assertThat(b.engagementFor("bot")).isEmpty();
    clock.advance(SECOND);
    assertThatThrownBy(() -> b.engagementFor("bot")).isInstanceOf(ApprovalStoreException.class);
  }

  @Test
  void aFailedChangeThrows() {
    Databases.Switchable flaky = new Databases.Switchable(dataSource());
    KillSwitch b = instance(flaky, SECOND);
    flaky.fail(true);

    assertThatThrownBy(() -> b.engage("incident 42", "oncall"))
        .isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining("could not engage the kill switch");
    assertThatThrownBy(() -> b.release("oncall"))
        .isInstanceOf(ApprovalStoreException.class)
        .hasMessageContaining("could not release the kill switch");
  }

  @Test
  void anUnreadableSwitchDeniesEveryCallOfAnAirlock() {
    Databases.Switchable flaky = new Databases.Switchable(dataSource());
    Airlock airlock = Airlock.builder()
        .environment(Environment.production("orders-db"))
        .tool("read_orders", Effect.READ)
        .auditSink(event -> { })
        .killSwitch(instance(flaky, SECOND))
        .build();
    ToolCall read = ToolCall.builder("read_orders").environment("orders-db").agent("bot").build();
    assertThat(airlock.evaluate(read).isAllowed()).isTrue();

    instance(Duration.ZERO).engageForAgent("bot", "misbehaving", "oncall");
    clock.advance(SECOND);
    assertThat(airlock.evaluate(read).primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH);

    instance(Duration.ZERO).releaseForAgent("bot", "oncall");
    flaky.fail(true);
    clock.advance(SECOND);
    Decision unreadable = airlock.evaluate(read);
    assertThat(unreadable.isAllowed()).isFalse();
    assertThat(unreadable.primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH);
  }

  @Test
  void theStoreHandsOutOneSwitch() {
    JdbcApprovalStore store = JdbcApprovalStore.builder(dataSource()).build();

    assertThat(store.killSwitch()).isSameAs(store.killSwitch());
  }

  @Test
  void badArgumentsAreRefusedAndChangeNothing() {
    KillSwitch a = instance(Duration.ZERO);

    assertThatIllegalArgumentException().isThrownBy(() -> a.engageForAgent("*", "r", "by"))
        .withMessageContaining("'*'");
    assertThatIllegalArgumentException().isThrownBy(() -> a.releaseForAgent("*", "by"))
        .withMessageContaining("'*'");
    assertThatIllegalArgumentException().isThrownBy(() -> a.engage(" ", "by"))
        .withMessageContaining("reason");
    assertThatIllegalArgumentException().isThrownBy(() -> a.engage("r", ""))
        .withMessageContaining("by");
    assertThatIllegalArgumentException().isThrownBy(() -> a.engageForAgent(" ", "r", "by"))
        .withMessageContaining("agent");
    assertThatIllegalArgumentException().isThrownBy(() -> a.release(" "))
        .withMessageContaining("by");
    assertThatIllegalArgumentException().isThrownBy(() -> a.releaseForAgent("bot", " "))
        .withMessageContaining("by");
    assertThatNullPointerException().isThrownBy(() -> a.engage(null, "by"));
    assertThatNullPointerException().isThrownBy(() -> a.engageForAgent(null, "r", "by"));
    assertThatNullPointerException().isThrownBy(() -> a.release(null));
    assertThatNullPointerException().isThrownBy(() -> a.releaseForAgent("bot", null));
    assertThatNullPointerException().isThrownBy(() -> a.engagementFor(null));
    assertThat(a.engagementFor("*")).isEmpty();
  }
}
