package dev.airlock.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

class CanonicalJsonProperties {

  @Property(tries = 300)
  boolean parsingAndWritingAgainGivesTheSameBytes(@ForAll("objects") Map<String, Object> object)
      throws Exception {
    byte[] once = CanonicalJson.write(object, "fields");
    byte[] twice = CanonicalJson.write(CanonicalJson.parseObject(once), "fields");
    return Arrays.equals(once, twice);
  }

  @Property(tries = 300)
  void insertionOrderDoesNotMatter(@ForAll("objects") Map<String, Object> object) {
    List<Map.Entry<String, Object>> entries = new ArrayList<>(object.entrySet());
    Collections.reverse(entries);
    Map<String, Object> reversed = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : entries) {
      reversed.put(e.getKey(), e.getValue());
    }

    assertThat(CanonicalJson.write(reversed, "fields"))
        .isEqualTo(CanonicalJson.write(object, "fields"));
  }

  @Provide
  Arbitrary<Map<String, Object>> objects() {
    return object(3);
  }

  private static Arbitrary<Map<String, Object>> object(int depth) {
    return Arbitraries.maps(keys(), value(depth)).ofMaxSize(5);
  }

  private static Arbitrary<Object> value(int depth) {
    Arbitrary<Object> leaf = Arbitraries.oneOf(List.of(
        text().map(Object.class::cast),
        Arbitraries.of("😀", "a😀b").map(Object.class::cast),
        Arbitraries.integers().map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
            .map(Object.class::cast),
        Arbitraries.bigDecimals().ofScale(6).map(Object.class::cast),
        // Any unscaled value at any scale: 1.50, 1E+40, 0.000…01.
        Combinators.combine(Arbitraries.bigIntegers().between(
                BigInteger.TEN.pow(20).negate(), BigInteger.TEN.pow(20)),
            Arbitraries.integers().between(-60, 60)).as(BigDecimal::new).map(Object.class::cast),
        Arbitraries.doubles().map(Object.class::cast),
        // Every finite double and float, subnormals and extremes included.
        Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite)
            .map(Object.class::cast),
        Arbitraries.integers().map(Float::intBitsToFloat).filter(Float::isFinite)
            .map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast)))
        .injectNull(0.1);
    if (depth == 0) {
      return leaf;
    }
    return Arbitraries.frequencyOf(
        Tuple.of(4, leaf),
        Tuple.of(1, object(depth - 1).map(Object.class::cast)),
        Tuple.of(1, value(depth - 1).list().ofMaxSize(4).map(Object.class::cast)));
  }

  private static Arbitrary<String> keys() {
    return text().ofMaxLength(6);
  }

  // Any text but unpaired surrogates, which the writer refuses; emoji are added as pairs.
  private static StringArbitrary text() {
    return Arbitraries.strings()
        .withCharRange('\u0000', '\ud7ff')
        .withCharRange('\ue000', '\uffff')
        .ofMaxLength(12);
  }
}
