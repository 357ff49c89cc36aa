package dev.airlock.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.Effect;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast path against the full analysis: wherever the READ proof says READ, the parser-based
 * analysis must say READ too, unless it stopped at one of its limits (a statement nested deeper
 * than the parser is given, a parse that ran out of time).
 */
class ReadProofTest {

  static boolean agrees(SqlAnalyzer analyzer, String sql) {
    if (!analyzer.provesRead(sql)) {
      return true;
    }
    SqlAnalysis full = analyzer.analyzeFully(sql);
    if (full.effect() == Effect.READ) {
      return true;
    }
    for (Reason reason : full.reasons()) {
      if (reason.code().equals(ReasonCode.SQL_TOO_DEEP)
          || reason.code().equals(ReasonCode.ANALYSIS_TIMEOUT)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void neverSaysReadWhereTheFullAnalysisDoesNotOnTheCorpora() {
    List<String> disagreements = new ArrayList<>();
    int proved = 0;
    int reads = 0;
    for (CorpusTest.Entry entry : CorpusTest.entries()) {
      SqlAnalyzer analyzer = CorpusTest.analyzer(entry.dialect());
      if (entry.effect() == Effect.READ) {
        reads++;
        if (analyzer.provesRead(entry.sql())) {
          proved++;
        }
      }
      if (!agrees(analyzer, entry.sql())) {
        disagreements.add(entry.id() + " " + entry.sql() + " -> "
            + analyzer.analyzeFully(entry.sql()).reasons());
      }
    }
    assertThat(disagreements).isEmpty();
    // the fast path is worth having only if it proves most plain reads
    assertThat(proved).as("READ entries proved by the fast path, of %d", reads)
        .isGreaterThan(reads / 3);
    System.out.printf("fast path proved %d of %d READ entries%n", proved, reads);
  }
}
