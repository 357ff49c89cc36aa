package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  private static String write(Map<?, ?> object) {
    return new String(CanonicalJson.write(object, "fields"), StandardCharsets.UTF_8);
  }

  @Test
  void sortsKeysAtEveryLevelWithoutWhitespace() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("b", 1);
    inner.put("a", List.of(Map.of("y", 2, "x", 3)));
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("z", inner);
    outer.put("B", "upper before lower");
    outer.put("a", true);

    assertThat(write(outer)).isEqualTo(
        "{\"B\":\"upper before lower\",\"a\":true,\"z\":{\"a\":[{\"x\":3,\"y\":2}],\"b\":1}}");
  }

  @Test
  void sameContentInAnyOrderGivesSameBytes() {
    Map<String, Object> one = new LinkedHashMap<>();
    one.put("x", 1);
    one.put("y", 2);
    Map<String, Object> other = new TreeMap<>((a, b) -> b.compareTo(a));
    other.putAll(one);

    assertThat(CanonicalJson.write(one, "f")).isEqualTo(CanonicalJson.write(other, "f"));
  }

  @Test
  void writesDecimalsPlainWithoutTrailingZeros() {
    Map<String, Object> numbers = new LinkedHashMap<>();
    numbers.put("a", new BigDecimal("1.50"));
    numbers.put("b", new BigDecimal("2.000"));
    numbers.put("c", new BigDecimal("1E+3"));
    numbers.put("d", 0.1d);
    numbers.put("e", 1e20d);
    numbers.put("f", -0.0d);
    numbers.put("g", 0.1f);
    numbers.put("h", 1.0e-7d);
    numbers.put("i", new BigInteger("123456789012345678901234567890"));
    numbers.put("j", Long.MIN_VALUE);
    numbers.put("k", new BigDecimal("-0.00"));

    assertThat(write(numbers)).isEqualTo("{\"a\":1.5,\"b\":2,\"c\":1000,\"d\":0.1,"
        + "\"e\":100000000000000000000,\"f\":0,\"g\":0.1,\"h\":0.0000001,"
        + "\"i\":123456789012345678901234567890,\"j\":-9223372036854775808,\"k\":0}");
  }

  @Test
  void escapesOnlyWhatJsonRequires() {
    Map<String, Object> strings = Map.of("s", "\"\\/\n\t\u0001ä😀");

    assertThat(write(strings)).isEqualTo("{\"s\":\"\\\"\\\\/\\n\\t\\u0001ä😀\"}");
  }

  @Test
  void keepsNulls() {
    Map<String, Object> map = new HashMap<>();
    map.put("n", null);
    map.put("l", Arrays.asList(null, 1));

    assertThat(write(map)).isEqualTo("{\"l\":[null,1],\"n\":null}");
  }

  @Test
  void refusesNanAndInfinityNamingThePath() {
    assertThatThrownBy(() -> write(Map.of("a", Map.of("b", Double.NaN))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fields.a.b is NaN, which JSON cannot hold");
    assertThatThrownBy(() -> write(Map.of("a", List.of(Float.POSITIVE_INFINITY))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("fields.a[0] is Infinity");
  }

  @Test
  void refusesOtherTypesNamingThePath() {
    assertThatThrownBy(() -> write(Map.of("a", List.of(1, Map.of("b", new StringBuilder())))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("fields.a[1].b is a java.lang.StringBuilder;");
    assertThatThrownBy(() -> write(Map.of("a", new AtomicLong())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("fields.a is a java.util.concurrent.atomic.AtomicLong;");
    assertThatThrownBy(() -> write(Map.of("a", Map.of(1, "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fields.a has a key that is not a string: 1");
  }

  @Test
  void refusesUnpairedSurrogates() {
    assertThatThrownBy(() -> write(Map.of("a", "x\uD83D")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fields.a has an unpaired surrogate at index 1");
  }

  @Test
  void refusesNumbersTooLongToReadBack() {
    assertThatThrownBy(() -> write(Map.of("a", new BigDecimal("1E+100000000"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fields.a is a number of");
  }

  @Test
  void refusesCyclesAsTooDeep() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);

    assertThatThrownBy(() -> write(Map.of("a", cycle)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested more than 64 levels deep");
  }

  @Test
  void parsedLineWritesBackToTheSameBytes() throws Exception {
    byte[] line = "{\"a\":[1.5,-2,100000000000000000000,0.0000001],\"b\":{\"c\":null}}"
        .getBytes(StandardCharsets.UTF_8);

    assertThat(CanonicalJson.write(CanonicalJson.parseObject(line), "line")).isEqualTo(line);
  }

  @Test
  void parsingRefusesDuplicateKeys() {
    byte[] line = "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> CanonicalJson.parseObject(line))
        .hasMessageContaining("Duplicate field 'a'");
  }

  @Test
  void writesDoublesTheSameOnEveryJdk() {
    // JDK 17's Double.toString gives 1.9999999999999998E23 for 2e23; JDK 19+ gives 2.0E23.
    Map<String, Object> numbers = new LinkedHashMap<>();
    numbers.put("a", 2e23d);
    numbers.put("b", 1.0E23d);
    numbers.put("c", 0.3f);
    numbers.put("d", Double.MIN_VALUE);
    numbers.put("e", 123.456d);

    assertThat(write(numbers)).startsWith("{\"a\":200000000000000000000000,"
        + "\"b\":100000000000000000000000,\"c\":0.3,\"d\":0.");
    assertThat(write(numbers)).endsWith("0005,\"e\":123.456}");
    assertThat(CanonicalJson.shortest(Double.MIN_VALUE).doubleValue()).isEqualTo(Double.MIN_VALUE);
  }
}
