package dev.airlock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.policy.EffectRules;
import dev.airlock.policy.Vote;
import dev.airlock.policy.Vote.Verdict;
import dev.airlock.audit.JsonLinesAuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DecisionProperties {

  @Property
  void mostRestrictiveVoteWinsAndEveryReasonIsKept(@ForAll("votes") List<Vote> votes) {
    Airlock.Builder builder = Airlock.builder()
        .environment(Environment.development("dev"))
        .tool("t", Effect.READ)
        .approver(request -> new CompletableFuture<>())
        .auditSink(new RecordingAuditSink());
    for (int i = 0; i < votes.size(); i++) {
      Vote vote = votes.get(i);
      builder.policy("p" + i, (call, context) -> vote);
    }

    Decision d = builder.build()
        .evaluate(ToolCall.builder("t").environment("dev").agent("a").build());

    Verdict expected = Verdict.ALLOW; // the default EffectRules allow READ on development
    for (Vote vote : votes) {
      if (vote.verdict().isStricterThan(expected)) {
        expected = vote.verdict();
      }
    }
    assertThat(verdictOf(d)).isEqualTo(expected);
    List<ReasonCode> expectedCodes = new ArrayList<>();
    expectedCodes.add(ReasonCode.EFFECT_ALLOWED);
    votes.stream().filter(v -> v.verdict() != Verdict.ABSTAIN).forEach(v -> expectedCodes.add(v.code()));
    assertThat(d.reasons()).extracting(Reason::code).containsExactlyInAnyOrderElementsOf(expectedCodes);
    Map<String, Verdict> byPolicy = new LinkedHashMap<>();
    for (int i = 0; i < votes.size(); i++) {
      byPolicy.put("p" + i, votes.get(i).verdict());
    }
    byPolicy.put("effect-rules", Verdict.ALLOW);
    assertThat(byPolicy.get(d.primaryReason().policy())).isEqualTo(expected);
  }

  /** One real audit log for all tries: every decision must also survive being recorded. */
  private static final JsonLinesAuditSink LOG = openLog();

  @Property
  void evaluateNeverThrows(@ForAll("calls") ToolCall call, @ForAll("killSwitchKinds") String killSwitchKind,
      @ForAll boolean throwingPolicy, @ForAll boolean withApprover) {
    Airlock.Builder builder = Airlock.builder()
        .environment(Environment.production("prod"))
        .environment(Environment.replica("replica"))
        .environment(Environment.staging("staging"))
        .tool("read", Effect.READ)
        .tool("write", Effect.WRITE, "prod", "staging")
        .tool("drop", Effect.DESTRUCTIVE)
        .policy(EffectRules.defaults())
        .killSwitch(killSwitch(killSwitchKind))
        .auditSink(LOG);
    if (throwingPolicy) {
      builder.policy("broken", (c, context) -> {
        throw new IllegalStateException("broken");
      });
    }
    if (withApprover) {
      builder.approver(request -> {
        throw new IllegalStateException("never asked by evaluate");
      });
    }

    Decision d = builder.build().evaluate(call);

    assertThat(d.callId()).isEqualTo(call.callId());
    assertThat(d.primaryReason().code()).isNotEqualTo(ReasonCode.AUDIT_UNAVAILABLE);
    boolean stopped = !killSwitchKind.equals("released");
    if (stopped) {
      assertThat(d.primaryReason().code()).isEqualTo(ReasonCode.KILL_SWITCH);
    }
    if (stopped || throwingPolicy) {
      assertThat(d.isAllowed()).isFalse();
    }
  }

  @Provide
  Arbitrary<String> killSwitchKinds() {
    return Arbitraries.of("released", "engaged", "throws", "null");
  }

  private static KillSwitch killSwitch(String kind) {
    return switch (kind) {
      case "released" -> StubKillSwitch.released();
      case "engaged" -> {
        KillSwitch engaged = KillSwitch.inMemory();
        engaged.engage("test", "oncall");
        yield engaged;
      }
      case "null" -> new StubKillSwitch(() -> null);
      default -> new StubKillSwitch(() -> {
        throw new IllegalStateException("store unreachable");
      });
    };
  }

  private static JsonLinesAuditSink openLog() {
    try {
      Path dir = Files.createTempDirectory("airlock-properties");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("audit.jsonl");
      file.toFile().deleteOnExit();
      dir.resolve("audit.jsonl.lock").toFile().deleteOnExit();
      return JsonLinesAuditSink.builder(file).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<List<Vote>> votes() {
    Arbitrary<Vote> vote = Combinators.combine(
            Arbitraries.of(Verdict.class),
            Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(8),
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20))
        .as((verdict, code, message) -> verdict == Verdict.ABSTAIN
            ? Vote.abstain()
            : new Vote(verdict, ReasonCode.of(code), message));
    return vote.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<ToolCall> calls() {
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(40)
        .filter(DecisionProperties::isUnicode);
    Arbitrary<String> names = Arbitraries.oneOf(
        Arbitraries.of("read", "write", "drop", "other"), text.filter(s -> !s.isBlank()));
    Arbitrary<String> environments = Arbitraries.oneOf(
        Arbitraries.of("prod", "replica", "staging", "dev", "PROD"),
        text.filter(s -> !s.isBlank()));
    Arbitrary<Object> leaf = Arbitraries.oneOf(
        text.map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.floats().map(f -> (Object) f),
        Arbitraries.bigDecimals().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null));
    Arbitrary<Object> value = Arbitraries.recursive(
        () -> leaf,
        inner -> Arbitraries.oneOf(
            inner.list().ofMaxSize(3).map(l -> (Object) l),
            Arbitraries.maps(text, inner).ofMaxSize(3).map(m -> (Object) m)),
        0, 6);
    Arbitrary<Map<String, Object>> arguments = Arbitraries.maps(text, value).ofMaxSize(5);
    return Combinators.combine(names, environments, names, arguments, text.injectNull(0.5))
        .as((tool, environment, agent, args, reason) -> ToolCall.builder(tool)
            .environment(environment).agent(agent).arguments(args).reason(reason).build());
  }

  private static boolean isUnicode(String s) {
    return s.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
  }

  private static Verdict verdictOf(Decision d) {
    if (d instanceof Decision.Allow) {
      return Verdict.ALLOW;
    }
    return d instanceof Decision.Deny ? Verdict.DENY : Verdict.NEEDS_APPROVAL;
  }
}
