package dev.airlock.sql;

/**
 * Reaches the package-private parts of {@link SqlAnalyzer} the benchmarks measure or report on.
 * Benchmarks only; it shares the package with core on the class path.
 */
public final class AnalyzerAccess {

  private AnalyzerAccess() {}

  /**
   * The full analysis: the pre-scan, then the parser and the tree walk for every statement, without
   * the cache and without the READ proof.
   *
   * @param analyzer the analyser
   * @param sql the text
   * @return its analysis
   */
  public static SqlAnalysis analyzeFully(SqlAnalyzer analyzer, String sql) {
    return analyzer.analyzeFully(sql);
  }

  /**
   * Whether the token-level READ proof (the fast path) alone proves the text a plain read.
   *
   * @param analyzer the analyser
   * @param sql the text
   * @return true if the fast path decides it
   */
  public static boolean provesRead(SqlAnalyzer analyzer, String sql) {
    return analyzer.provesRead(sql);
  }
}
