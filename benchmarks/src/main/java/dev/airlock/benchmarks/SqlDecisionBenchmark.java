package dev.airlock.benchmarks;

import com.alibaba.druid.wall.WallCheckResult;
import com.alibaba.druid.wall.WallConfig;
import com.alibaba.druid.wall.spi.PGWallProvider;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.Effect;
import dev.airlock.Environment;
import dev.airlock.ReasonCode;
import dev.airlock.policy.EffectRules;
import dev.airlock.policy.Vote.Verdict;
import dev.airlock.sql.AnalyzerAccess;
import dev.airlock.sql.SqlAnalysis;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a READ decision costs in Airlock, next to the libraries it is measured against, on three
 * PostgreSQL reads: a short point query, a typical analytical query and a ~4 KB report query.
 *
 * <p>The benchmarks come in pairs, each with a target ratio:
 *
 * <ul>
 *   <li>{@code airlockUncachedRead} against {@code druidWallCheck}: the whole decision with the
 *       cache off ({@link SqlAnalyzer#analyze} plus {@link EffectRules#verdictFor}) should cost no
 *       more than Druid's {@code PGWallProvider.check} with its white and black lists off;
 *   <li>{@code airlockFullAnalysis} against {@code jsqlparserDirectParse}: the analysis without
 *       the cache and without the token-level READ proof (pre-scan, parse, tree walk) should stay
 *       within 1.1x of JSqlParser parsing the text directly on the caller's thread;
 *   <li>{@code airlockCachedRead} against {@code caffeineHitPlusSha256}: a decision whose analysis
 *       is cached should stay within 2x of a bare Caffeine hit keyed by a SHA-256 of the text.
 * </ul>
 *
 * <p>{@link #setUp()} checks that every statement is what it claims to be (READ for Airlock with
 * and without the READ proof, judged by Druid, parsed by JSqlParser) and prints what each library
 * made of it, so a run that measures the wrong thing fails instead.
 *
 * <pre>{@code
 * ./mvnw -q install -DskipTests
 * java -jar benchmarks/target/benchmarks.jar -rf json -rff /tmp/jmh.json
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SqlDecisionBenchmark {

  /** A point query, 44 characters. */
  static final String SHORT = "SELECT id, email FROM customers WHERE id = 42";

  /** A monthly revenue report, about 400 characters. */
  static final String ANALYTICAL =
      "SELECT c.region, date_trunc('month', o.created_at) AS order_month, count(*) AS orders,"
          + " sum(o.total) AS revenue, avg(o.total) AS average_order"
          + " FROM orders o JOIN customers c ON c.id = o.customer_id"
          + " WHERE o.created_at >= DATE '2024-01-01' AND o.created_at < DATE '2025-01-01'"
          + " AND o.status IN ('paid', 'shipped', 'delivered')"
          + " GROUP BY c.region, date_trunc('month', o.created_at)"
          + " HAVING sum(o.total) > 1000"
          + " ORDER BY order_month, revenue DESC LIMIT 100";

  /** A report query of about 4 KB, with long CASE expressions and IN lists. */
  static final String LARGE = largeQuery();

  private static final Environment PRODUCTION = Environment.production("orders-db");

  /** Which statement: {@code short}, {@code analytical} or {@code large}. */
  @Param({"short", "analytical", "large"})
  public String statement;

  private String sql;
  private SqlAnalyzer uncached;
  private SqlAnalyzer cached;
  private EffectRules rules;
  private PGWallProvider wall;
  private boolean complexParsing;
  private Cache<ByteBuffer, Effect> caffeine;
  private ThreadLocal<MessageDigest> sha256;

  /** Builds the analysers, the wall and the cache, checks the statement and warms the caches. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    sql = switch (statement) {
      case "short" -> SHORT;
      case "analytical" -> ANALYTICAL;
      case "large" -> LARGE;
      default -> throw new IllegalArgumentException("no statement called " + statement);
    };
    uncached = SqlAnalyzer.builder(SqlDialect.POSTGRESQL).cacheSize(0).build();
    cached = SqlAnalyzer.of(SqlDialect.POSTGRESQL);
    rules = EffectRules.defaults();
    System.out.printf("%n[%s] %d characters%n", statement, sql.length());

    long start = System.nanoTime();
    SqlAnalysis analysis = uncached.analyze(sql);
    System.out.printf("[%s] Airlock, first analysis in this JVM: %s in %.1f ms%n", statement,
        analysis.effect(), (System.nanoTime() - start) / 1e6);
    // a cold JVM may overrun the parse budget (UNKNOWN, not cached): retry until warm, not measured
    analysis = settle(analysis, () -> uncached.analyze(sql));
    SqlAnalysis full = settle(null, () -> AnalyzerAccess.analyzeFully(uncached, sql));
    require(analysis.effect() == Effect.READ, "Airlock: " + analysis);
    require(full.effect() == Effect.READ, "Airlock without the READ proof: " + full);
    require(rules.verdictFor(PRODUCTION, analysis.effect()) == Verdict.ALLOW, "verdict");
    System.out.printf("[%s] Airlock: %s, READ proof (fast path) decides it: %s%n", statement,
        analysis.effect(), AnalyzerAccess.provesRead(uncached, sql));
    require(settle(null, () -> cached.analyze(sql)).effect() == Effect.READ, "Airlock, cached");

    wall = new PGWallProvider(new WallConfig(PGWallProvider.DEFAULT_CONFIG_DIR));
    wall.setBlackListEnable(false);
    wall.setWhiteListEnable(false);
    WallCheckResult result = wall.check(sql);
    wall.check(sql);
    require(!result.isSyntaxError(), "Druid: syntax error " + result.getViolations());
    require(result.getStatementList().size() == 1, "Druid: " + result.getStatementList());
    require(wall.getWhiteList().isEmpty() && wall.getBlackList().isEmpty()
        && wall.getWhiteListHitCount() == 0 && wall.getHardCheckCount() == 2,
        "Druid: its verdict cache is still on");
    System.out.printf("[%s] Druid PGWallProvider: %s%n", statement,
        result.getViolations().isEmpty() ? "allowed, no violations"
            : "violations " + result.getViolations());

    Statement parsed = null;
    try {
      parsed = parse(sql, false);
    } catch (Exception e) {
      System.out.printf("[%s] JSqlParser: the simple parse fails (%s); complex parsing%n",
          statement, e.getMessage().lines().findFirst().orElse(""));
      complexParsing = true;
      parsed = parse(sql, true);
    }
    require(parsed != null && !(parsed instanceof UnsupportedStatement), "JSqlParser: " + parsed);
    System.out.printf("[%s] JSqlParser: %s, %s parsing%n", statement,
        parsed.getClass().getSimpleName(), complexParsing ? "complex" : "simple");

    sha256 = ThreadLocal.withInitial(SqlDecisionBenchmark::newSha256);
    caffeine = Caffeine.newBuilder().maximumSize(SqlAnalyzer.DEFAULT_CACHE_SIZE).build();
    caffeine.put(sha256Key(sql), Effect.READ);
    require(caffeine.getIfPresent(sha256Key(sql)) == Effect.READ, "Caffeine");
  }

  /** Airlock, cache off: pre-scan, READ proof or full analysis, then the production verdict. */
  @Benchmark
  public Verdict airlockUncachedRead(Blackhole blackhole) {
    SqlAnalysis analysis = uncached.analyze(sql);
    blackhole.consume(analysis);
    return rules.verdictFor(PRODUCTION, analysis.effect());
  }

  /** Druid's PostgreSQL wall with its white and black lists off: parse and check every time. */
  @Benchmark
  public WallCheckResult druidWallCheck() {
    return wall.check(sql);
  }

  /** Airlock's full analysis: pre-scan, parse and tree walk, no cache and no READ proof. */
  @Benchmark
  public SqlAnalysis airlockFullAnalysis() {
    return AnalyzerAccess.analyzeFully(uncached, sql);
  }

  /** JSqlParser parsing the text directly on the caller's thread. */
  @Benchmark
  public Statement jsqlparserDirectParse() throws Exception {
    return parse(sql, complexParsing);
  }

  /** Airlock with its default cache, already holding the statement, then the production verdict. */
  @Benchmark
  public Verdict airlockCachedRead(Blackhole blackhole) {
    SqlAnalysis analysis = cached.analyze(sql);
    blackhole.consume(analysis);
    return rules.verdictFor(PRODUCTION, analysis.effect());
  }

  /** The bare baseline of a cache hit: SHA-256 of the text as the key, one Caffeine lookup. */
  @Benchmark
  public Effect caffeineHitPlusSha256() {
    return caffeine.getIfPresent(sha256Key(sql));
  }

  private ByteBuffer sha256Key(String text) {
    return ByteBuffer.wrap(sha256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Statement parse(String text, boolean complex) throws Exception {
    return new CCJSqlParser(new StringProvider(text)).withAllowComplexParsing(complex).Statement();
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SqlAnalysis settle(SqlAnalysis first, Supplier<SqlAnalysis> analyse) {
    SqlAnalysis analysis = first != null ? first : analyse.get();
    for (int attempt = 1; attempt < 20 && isTimeout(analysis); attempt++) {
      analysis = analyse.get();
    }
    return analysis;
  }

  private static boolean isTimeout(SqlAnalysis analysis) {
    return analysis.reasons().stream()
        .anyMatch(reason -> reason.code().equals(ReasonCode.ANALYSIS_TIMEOUT));
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark statement not as expected: " + what);
    }
  }

  /**
   * A customer revenue report: a CTE over recent orders, a CASE mapping countries to sales regions,
   * one conditional sum per sales channel, and IN lists of warehouses and excluded customers. Built
   * the same way every time.
   */
  static String largeQuery() {
    String[][] regions = {
      {"EU-Central", "AT", "CH", "CZ", "DE", "HU", "PL", "SK", "SI"},
      {"EU-West", "BE", "FR", "IE", "LU", "NL", "GB"},
      {"EU-North", "DK", "EE", "FI", "IS", "LT", "LV", "NO", "SE"},
      {"EU-South", "ES", "GR", "HR", "IT", "MT", "PT", "CY"},
      {"Americas", "AR", "BR", "CA", "CL", "CO", "MX", "PE", "US"},
      {"APAC", "AU", "CN", "HK", "IN", "JP", "KR", "NZ", "SG", "TW"},
    };
    List<String> channels = List.of("web", "mobile", "store", "phone", "partner", "marketplace");
    StringBuilder q = new StringBuilder(4400);
    q.append("WITH recent_orders AS (SELECT o.id, o.customer_id, o.total, o.discount, o.channel,")
        .append(" o.created_at FROM orders o WHERE o.created_at >= DATE '2024-01-01'")
        .append(" AND o.status IN ('paid', 'shipped', 'delivered') AND o.warehouse_id IN (");
    for (int i = 1; i <= 100; i++) {
      q.append(i == 1 ? "" : ", ").append(100 + i * 7);
    }
    q.append("))\nSELECT r.customer_id, c.country,\n  CASE");
    for (String[] region : regions) {
      q.append(" WHEN c.country IN (");
      for (int i = 1; i < region.length; i++) {
        q.append(i == 1 ? "" : ", ").append('\'').append(region[i]).append('\'');
      }
      q.append(") THEN '").append(region[0]).append('\'');
    }
    q.append(" ELSE 'Other' END AS sales_region,\n  CASE");
    int[] bounds = {100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000};
    for (int i = 0; i < bounds.length; i++) {
      q.append(" WHEN sum(r.total) < ").append(bounds[i]).append(" THEN 'tier ").append(i + 1)
          .append('\'');
    }
    q.append(" ELSE 'tier ").append(bounds.length + 1).append("' END AS revenue_tier");
    for (String channel : channels) {
      q.append(",\n  sum(CASE WHEN r.channel = '").append(channel)
          .append("' THEN r.total - coalesce(r.discount, 0) ELSE 0 END) AS ").append(channel)
          .append("_revenue");
      q.append(", count(CASE WHEN r.channel = '").append(channel).append("' THEN 1 END) AS ")
          .append(channel).append("_orders");
    }
    q.append(",\n  count(*) AS orders, max(r.created_at) AS last_order\n")
        .append("FROM recent_orders r JOIN customers c ON c.id = r.customer_id\n")
        .append("WHERE c.segment IN ('enterprise', 'mid_market', 'small_business', 'public_sector')")
        .append(" AND c.id NOT IN (");
    for (int i = 1; i <= 170; i++) {
      q.append(i == 1 ? "" : ", ").append(1000 + i * 13);
    }
    q.append(")\nGROUP BY r.customer_id, c.country\nHAVING count(*) > 2\n")
        .append("ORDER BY orders DESC, r.customer_id\nLIMIT 500");
    return q.toString();
  }
}
