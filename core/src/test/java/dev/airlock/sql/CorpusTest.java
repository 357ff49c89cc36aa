package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.policy.EffectRules;
import dev.airlock.policy.Vote.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The labelled corpora: the team's shared one ({@code corpus/sql-effects.jsonl}, copied from
 * {@code ../shared/corpus}, every label checked on a real server), Airlock's own cases beside it
 * ({@code airlock-cases.jsonl}) and the public analytical query sets, TPC-H, TPC-DS, JOB and
 * ClickBench in PostgreSQL syntax, every one checked valid on PostgreSQL 14, all reads ({@code
 * analytics-reads.jsonl}), and reads the way analysts, ORMs and agents write them in each dialect
 * ({@code agent-reads.jsonl}; PostgreSQL and H2 ones accepted by the real servers). The genuine
 * reads Airlock still refuses are listed in the README's known limits, not here. Every entry's effect and statement count must match its label, and
 * no entry that is not READ may be allowed on production.
 */
class CorpusTest {

  static final List<String> CORPORA =
      List.of("corpus/sql-effects.jsonl", "airlock-cases.jsonl", "analytics-reads.jsonl",
          "agent-reads.jsonl");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<SqlDialect, SqlAnalyzer> ANALYZERS = new EnumMap<>(SqlDialect.class);

  record Entry(String corpus, String id, SqlDialect dialect, String sql, Effect effect, int stmts,
      String category) {}

  static List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    for (String corpus : CORPORA) {
      try (InputStream in = CorpusTest.class.getResourceAsStream(corpus)) {
        assertThat(in).as("test resource " + corpus).isNotNull();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = JSON.readTree(line);
          entries.add(new Entry(corpus, node.get("id").asText(),
              SqlDialect.valueOf(node.get("dialect").asText().toUpperCase(Locale.ROOT)),
              node.get("sql").asText(), Effect.valueOf(node.get("effect").asText()),
              node.get("stmts").asInt(), node.path("category").asText("")));
        }
      } catch (IOException e) {
        throw new AssertionError("cannot read " + corpus, e);
      }
    }
    return entries;
  }

  static SqlAnalyzer analyzer(SqlDialect dialect) {
    synchronized (ANALYZERS) {
      return ANALYZERS.computeIfAbsent(dialect, SqlAnalyzer::of);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyEntryHasItsLabelledEffect() {
    return entries().stream().map(entry -> DynamicTest.dynamicTest(
        entry.id() + " " + entry.category(), () -> {
          SqlAnalysis analysis = analyzer(entry.dialect()).analyze(entry.sql());
          assertThat(analysis.effect())
              .as("%s (%s) %s%nreasons: %s", entry.id(), entry.dialect(), entry.sql(),
                  analysis.reasons())
              .isEqualTo(entry.effect());
          assertThat(analysis.statements())
              .as("statements of %s: %s", entry.id(), entry.sql())
              .hasSize(entry.stmts());
        }));
  }

  @Test
  void noEntryThatIsNotReadIsAllowedOnProduction() {
    Environment production = Environment.production("prod");
    List<String> allowed = new ArrayList<>();
    for (Entry entry : entries()) {
      if (entry.effect() == Effect.READ) {
        continue;
      }
      Effect found = analyzer(entry.dialect()).analyze(entry.sql()).effect();
      if (EffectRules.defaults().verdictFor(production, found) == Verdict.ALLOW) {
        allowed.add(entry.id() + " " + entry.sql());
      }
    }
    assertThat(allowed).as("non-READ entries allowed on production").isEmpty();
  }
}
