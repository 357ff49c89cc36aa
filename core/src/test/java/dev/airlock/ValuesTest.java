package dev.airlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void effectSeverityIsExplicitAndUnknownIsWorst() {
    assertThat(Effect.UNKNOWN.isMoreSevereThan(Effect.PRIVILEGE)).isTrue();
    assertThat(Effect.PRIVILEGE.isMoreSevereThan(Effect.ADMIN)).isTrue();
    assertThat(Effect.ADMIN.isMoreSevereThan(Effect.DESTRUCTIVE)).isTrue();
    assertThat(Effect.DESTRUCTIVE.isMoreSevereThan(Effect.SCHEMA)).isTrue();
    assertThat(Effect.SCHEMA.isMoreSevereThan(Effect.WRITE)).isTrue();
    assertThat(Effect.WRITE.isMoreSevereThan(Effect.READ)).isTrue();
    assertThat(Effect.mostSevere(Effect.READ, Effect.UNKNOWN)).isEqualTo(Effect.UNKNOWN);
    assertThat(Effect.mostSevere(Effect.ADMIN, Effect.WRITE)).isEqualTo(Effect.ADMIN);
  }

  @Test
  void toolCallArgumentsAreADeepUnmodifiableCopyThatKeepsNulls() {
    Map<String, Object> nested = new HashMap<>();
    nested.put("limit", null);
    List<Object> ids = new ArrayList<>(Arrays.asList(1, 2L, null, new BigDecimal("1.5")));
    Map<String, Object> args = new HashMap<>();
    args.put("filter", nested);
    args.put("ids", ids);

    ToolCall call = ToolCall.builder("t").arguments(args).environment("e").agent("a").build();
    nested.put("limit", 10);
    ids.add(3);

    @SuppressWarnings("unchecked")
    Map<String, Object> filter = (Map<String, Object>) call.arguments().get("filter");
    assertThat(filter).containsEntry("limit", null);
    assertThat((List<?>) call.arguments().get("ids")).hasSize(4);
    assertThatThrownBy(() -> filter.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<?>) call.arguments().get("ids")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toolCallRejectsValuesJsonCannotHoldAndNamesThePath() {
    assertThatThrownBy(() -> ToolCall.builder("t").argument("when", new java.util.Date())
        .environment("e").agent("a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments.when");
    assertThatThrownBy(() -> ToolCall.builder("t").argument("ratio", Double.NaN)
        .environment("e").agent("a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments.ratio");
  }

  @Test
  void selfReferencingArgumentsAreRejectedNotOverflowed() {
    Map<String, Object> loop = new HashMap<>();
    loop.put("self", loop);

    assertThatThrownBy(() -> ToolCall.builder("t").arguments(loop).environment("e").agent("a")
        .build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested more than");
  }

  @Test
  void toolCallNamesMissingAndBlankParts() {
    assertThatThrownBy(() -> ToolCall.builder("t").agent("a").build())
        .isInstanceOf(NullPointerException.class).hasMessage("environment must not be null");
    assertThatThrownBy(() -> ToolCall.builder(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tool");
    assertThatThrownBy(() -> ToolCall.builder("t").environment("e").agent(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agent");
  }

  @Test
  void reasonCodesAreOpenButWellFormed() {
    assertThat(ReasonCode.of("KILL_SWITCH")).isEqualTo(ReasonCode.KILL_SWITCH);
    assertThat(ReasonCode.of("OUTSIDE_HOURS").name()).isEqualTo("OUTSIDE_HOURS");
    assertThatThrownBy(() -> ReasonCode.of("outside hours"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upper snake case");
  }

  @Test
  void decisionNeedsAReason() {
    assertThatThrownBy(() -> new Decision.Allow("d", "c", Effect.READ, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reasons");
  }

  @Test
  void refusedExceptionReadsLikeAModelMessage() {
    Decision deny = new Decision.Deny("d", "c", Effect.WRITE,
        List.of(new Reason(ReasonCode.EFFECT_DENIED, "effect-rules", "WRITE is not allowed")));

    ToolCallRefusedException e = new ToolCallRefusedException("run_sql", deny);

    assertThat(e).hasMessage("Tool call 'run_sql' refused: Refused by Airlock (effect-rules,"
        + " EFFECT_DENIED): WRITE is not allowed. It was not run. Do not retry this another way;"
        + " tell the user why.");
    assertThat(e.modelMessage()).isEqualTo(deny.refusalMessage());
  }

  @Test
  void argumentsTheAuditLogCouldNotRecordAreRefusedAtOnce() {
    Map<String, Object> deep = new HashMap<>();
    Map<String, Object> level = deep;
    for (int i = 0; i < 40; i++) {
      Map<String, Object> next = new HashMap<>();
      level.put("k", next);
      level = next;
    }
    Map<String, Object> nested = deep;

    assertThatThrownBy(() -> ToolCall.builder("t").arguments(nested).environment("e").agent("a")
        .build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested more than 32");
    assertThatThrownBy(() -> ToolCall.builder("t").argument("n", new BigDecimal("1E+100000"))
        .environment("e").agent("a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments.n");
    assertThatThrownBy(() -> ToolCall.builder("t")
        .argument("big", java.math.BigInteger.TEN.pow(900)).environment("e").agent("a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arguments.big");
    assertThat(ToolCall.builder("t").argument("big", java.math.BigInteger.TEN.pow(899))
        .environment("e").agent("a").build().arguments()).containsKey("big");
    assertThatThrownBy(() -> ToolCall.builder("t").argument("s", "abc\uD800")
        .environment("e").agent("a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
    assertThat(ToolCall.builder("t").argument("s", "emoji \uD83D\uDE00").environment("e")
        .agent("a").build().arguments()).containsEntry("s", "emoji \uD83D\uDE00");
  }
}
