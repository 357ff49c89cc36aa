package dev.airlock.sql;

import dev.airlock.ReasonCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;

/**
 * Runs JSqlParser on the caller's thread (never a thread per call): a simple parse first, then the
 * complex one if that fails, both within one time budget. One shared daemon thread looks at the
 * running parses every few milliseconds and sets the parser's own {@code interrupted} flag of those
 * past their budget; a parse costs one map entry, not a scheduled task. JSqlParser checks the flag
 * only in some steps, so the pre-scan's size and nesting limits are what really bound the worst
 * case.
 */
final class Parser {

  /** Parses under way and the time each must stop by (System.nanoTime). */
  private static final Map<CCJSqlParser, Long> RUNNING = new ConcurrentHashMap<>();

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "airlock-sql-parse-budget");
            thread.setDaemon(true);
            return thread;
          });

  /** How often the watchdog looks at the running parses: the precision of the budget. */
  private static final long WATCH_EVERY_MILLIS = 5;

  /** A parsed statement, or why there is none. */
  record Result(Statement statement, ReasonCode failure, String message) {
    boolean parsed() {
      return statement != null;
    }
  }

  static {
    WATCHDOG.scheduleWithFixedDelay(() -> {
      long now = System.nanoTime();
      RUNNING.forEach((parser, deadline) -> {
        if (now - deadline >= 0) {
          parser.interrupted = true;
        }
      });
    }, WATCH_EVERY_MILLIS, WATCH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    // Load and initialise JSqlParser's large parser classes once, outside any caller's time
    // budget, so the first statement of a fresh JVM is not refused for the class loading.
    for (String warmUp : List.of(
        "WITH a AS (SELECT x, count(*) OVER (PARTITION BY y) FROM t JOIN u ON t.id = u.id"
            + " WHERE x IN (1, 2) GROUP BY x ORDER BY 1 LIMIT 5) SELECT * FROM a",
        "DELETE FROM t WHERE id = 1", "UPDATE t SET a = 1 WHERE b = 2",
        "INSERT INTO t (a) VALUES (1)")) {
      try {
        new CCJSqlParser(new StringProvider(warmUp)).Statement();
      } catch (Exception e) {
        // a warm-up only; a failure here shows up, with its reason, on the first real parse
      }
    }
  }

  private Parser() {}

  static Result parse(String text, Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    Result simple = attempt(text, false, budget.toNanos());
    if (simple.failure() == ReasonCode.ANALYSIS_TIMEOUT) {
      return timeout(budget);
    }
    if (simple.parsed() || simple.failure() != ReasonCode.SQL_PARSE_ERROR) {
      return simple;
    }
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return timeout(budget);
    }
    Result complex = attempt(text, true, left);
    return complex.failure() == ReasonCode.ANALYSIS_TIMEOUT ? timeout(budget) : complex;
  }

  private static Result attempt(String text, boolean complex, long budgetNanos) {
    CCJSqlParser parser = new CCJSqlParser(new StringProvider(text));
    parser.withAllowComplexParsing(complex);
    RUNNING.put(parser, System.nanoTime() + budgetNanos);
    try {
      Statement statement = parser.Statement();
      if (parser.interrupted) {
        return new Result(null, ReasonCode.ANALYSIS_TIMEOUT, "");
      }
      if (statement == null || statement instanceof UnsupportedStatement) {
        return new Result(null, ReasonCode.SQL_PARSE_ERROR, "the statement is not one the parser supports");
      }
      return new Result(statement, null, null);
    } catch (StackOverflowError e) {
      return new Result(null, ReasonCode.SQL_TOO_DEEP, "the statement is nested too deeply to parse");
    } catch (Exception | Error e) {
      if (parser.interrupted) {
        return new Result(null, ReasonCode.ANALYSIS_TIMEOUT, "");
      }
      if (e instanceof VirtualMachineError error) {
        throw error;
      }
      return new Result(null, ReasonCode.SQL_PARSE_ERROR, firstLine(e.getMessage()));
    } finally {
      RUNNING.remove(parser);
    }
  }

  private static Result timeout(Duration budget) {
    return new Result(null, ReasonCode.ANALYSIS_TIMEOUT,
        "parsing took longer than the budget of " + budget.toMillis() + " ms");
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "the statement could not be parsed";
    }
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 160 ? line.substring(0, 157) + "..." : line;
  }
}
