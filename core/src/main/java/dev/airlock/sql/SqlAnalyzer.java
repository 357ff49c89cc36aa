package dev.airlock.sql;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.Effect;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies SQL text by what it may do, for one dialect, failing closed: a text it cannot
 * understand is {@link dev.airlock.Effect#UNKNOWN}, never an exception.
 *
 * <p>How a text is read: a lexical pre-scan with the dialect's own quoting and comment rules splits
 * it into the statements its server would see and catches what a parser loses (executable
 * comments, unterminated literals, look-alike characters); a plain query is proved READ from its
 * tokens alone where that is certain; everything else is parsed by JSqlParser on the caller's
 * thread within a time budget, and the whole tree is walked (CTEs, subqueries, every function call,
 * locking and INTO clauses, the WHERE of every DELETE and UPDATE). Statements JSqlParser does not
 * parse (COPY, DO, VACUUM, GRANT forms, CREATE ROLE…) take their effect from their leading keywords.
 *
 * <pre>{@code
 * SqlAnalyzer analyzer = SqlAnalyzer.of(SqlDialect.POSTGRESQL);
 * SqlAnalysis analysis = analyzer.analyze("DELETE FROM executives WHERE 1=1");
 * analysis.effect();   // DESTRUCTIVE
 * analysis.reasons();  // ALWAYS_TRUE_WHERE: DELETE with a WHERE that is always true …
 * }</pre>
 *
 * <p>Results are cached (Caffeine, bounded) under a SHA-256 of the exact text, so a repeated
 * statement costs a hash and a lookup; a text whose parse ran out of time is not cached. Thread-safe.
 */
public final class SqlAnalyzer {

  private static final Logger log = LoggerFactory.getLogger(SqlAnalyzer.class);

  /** Default longest text analysed: 1 MiB of characters. */
  public static final int DEFAULT_MAX_LENGTH = 1 << 20;
  /** Default deepest parenthesis nesting handed to the parser. */
  public static final int DEFAULT_MAX_NESTING = 40;
  /** Default time budget for parsing one statement. */
  public static final Duration DEFAULT_PARSE_BUDGET = Duration.ofMillis(200);
  /** Default number of analyses kept in the cache. */
  public static final long DEFAULT_CACHE_SIZE = 10_000;

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("this JVM has no SHA-256", e);
            }
          });
  private static final ThreadLocal<byte[]> HASH_BUFFER = ThreadLocal.withInitial(() -> new byte[8192]);

  private final SqlDialect dialect;
  private final FunctionCatalog functions;
  private final int maxLength;
  private final int maxNesting;
  private final Duration parseBudget;
  private final Cache<TextKey, SqlAnalysis> cache;
  private final StatementAnalysis statements;
  private final ReadProof readProof;

  private SqlAnalyzer(Builder builder) {
    this.dialect = builder.dialect;
    this.functions = builder.functions != null ? builder.functions
        : FunctionCatalog.defaults(builder.dialect);
    this.maxLength = builder.maxLength;
    this.maxNesting = builder.maxNesting;
    this.parseBudget = builder.parseBudget;
    this.cache = builder.cacheSize == 0 ? null
        : Caffeine.newBuilder().maximumSize(builder.cacheSize).build();
    this.statements = new StatementAnalysis(dialect, functions, maxNesting, parseBudget);
    this.readProof = new ReadProof(functions);
  }

  /**
   * An analyser with the default limits and the shipped function catalogue.
   *
   * @param dialect the dialect of the texts it reads
   * @return the analyser
   * @throws NullPointerException if {@code dialect} is null
   */
  public static SqlAnalyzer of(SqlDialect dialect) {
    return builder(dialect).build();
  }

  /**
   * A builder for an analyser with other limits or functions.
   *
   * @param dialect the dialect of the texts it reads
   * @return the builder
   * @throws NullPointerException if {@code dialect} is null
   */
  public static Builder builder(SqlDialect dialect) {
    return new Builder(Objects.requireNonNull(dialect, "dialect"));
  }

  /**
   * Analyses a SQL text. Never throws for what the text holds: garbage, a text too long or too
   * deep, a parse that fails or runs out of time all give {@link dev.airlock.Effect#UNKNOWN} with
   * a reason that says which.
   *
   * @param sql the exact text an agent sent
   * @return its analysis
   * @throws NullPointerException if {@code sql} is null
   */
  public SqlAnalysis analyze(String sql) {
    Objects.requireNonNull(sql, "sql");
    if (sql.length() > maxLength) {
      return new SqlAnalysis(dialect, List.of(), Effect.UNKNOWN,
          List.of(new Reason(ReasonCode.SQL_TOO_LONG, Findings.POLICY,
              "the text is " + sql.length() + " characters long, more than the limit of "
                  + maxLength)));
    }
    if (cache == null) {
      return computeSafely(sql);
    }
    TextKey key = TextKey.of(sql);
    SqlAnalysis cached = cache.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    SqlAnalysis analysis = computeSafely(sql);
    if (!timedOut(analysis)) {
      cache.put(key, analysis);
    }
    return analysis;
  }

  /**
   * Analyses a SQL text that an application runs with JDBC bind parameters: the parameters are
   * part of what is judged, so {@code DELETE FROM t WHERE ? = ?} bound to {@code 1, 1} is
   * DESTRUCTIVE. Each {@code ?} placeholder outside literals and comments is read as the literal
   * of its parameter (a string, number, boolean or null); a mismatch in number, or a parameter of
   * another type, gives {@link dev.airlock.Effect#UNKNOWN} ({@code PARAMETER_MISMATCH}).
   *
   * @param sql the exact text
   * @param parameters the bind parameters in order; empty for a text without any
   * @return its analysis
   * @throws NullPointerException if an argument is null
   */
  public SqlAnalysis analyze(String sql, List<?> parameters) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(parameters, "parameters");
    if (parameters.isEmpty() || sql.length() > maxLength) {
      return analyze(sql);
    }
    String bound;
    try {
      bound = BoundText.of(sql, dialect, parameters);
    } catch (IllegalArgumentException e) {
      return new SqlAnalysis(dialect, List.of(), Effect.UNKNOWN, List.of(
          new Reason(ReasonCode.PARAMETER_MISMATCH, Findings.POLICY, e.getMessage())));
    } catch (RuntimeException | StackOverflowError e) {
      log.warn("Bind parameters could not be read ({}); treating the text as UNKNOWN",
          e.getClass().getName());
      return new SqlAnalysis(dialect, List.of(), Effect.UNKNOWN, List.of(new Reason(
          ReasonCode.SQL_PARSE_ERROR, Findings.POLICY, "Airlock could not read the bind"
              + " parameters (" + e.getClass().getSimpleName() + ")")));
    }
    return analyze(bound);
  }

  /**
   * Splits a text into its statements as the dialect's server would, each exactly as written
   * from its first token to its last (comments around it and the separating {@code ;} left out),
   * so that each reaches JDBC alone. The list has one entry per statement of {@link
   * #analyze(String)}'s default reading.
   *
   * @param sql the text
   * @return the statements, in order
   * @throws NullPointerException if {@code sql} is null
   */
  public List<String> statements(String sql) {
    Objects.requireNonNull(sql, "sql");
    List<String> texts = new ArrayList<>();
    for (Lexer.Statement statement : Lexer.scan(sql, dialect)) {
      List<Token> tokens = statement.tokens();
      int begin = tokens.isEmpty() ? 0 : tokens.get(0).start();
      int end = tokens.isEmpty() ? 0 : tokens.get(tokens.size() - 1).end();
      texts.add(sql.substring(statement.start() + begin, statement.start() + end));
    }
    return texts;
  }

  /**
   * The text re-flowed for a person to read, as an approver shows it beside the exact text: each
   * statement on lines of its own (ended by its {@code ;} and a blank line), major clauses (SELECT,
   * FROM, WHERE and its top-level AND / OR, GROUP BY, ORDER BY, LIMIT, SET, VALUES, RETURNING,
   * JOIN, UNION…) starting new lines, parenthesised sub-queries indented.
   *
   * <p>Nothing is dropped or hidden: only whitespace between tokens changes. Tokens are written as
   * they stand in the text (string literals, quoted names and dollar-quoted bodies byte for byte,
   * never re-wrapped), every comment verbatim on a line of its own (so a {@code --} comment never
   * swallows what follows it), and text the dialect's pre-scan cannot read (an unterminated
   * literal, a control character) verbatim after a line that says so. On MySQL, an executable
   * comment ({@code /*! … *}{@code /}) and an optimizer hint ({@code /*+ … *}{@code /}) follow a
   * line that says MySQL acts on them:
   *
   * <pre>{@code
   * SqlAnalyzer.of(SqlDialect.MYSQL).format("SELECT a /*!50000 , (DROP TABLE t) *}{@code / FROM t");
   * // SELECT a
   * //   -- [!] MySQL runs the text inside the next comment as SQL:
   * //   /*!50000 , (DROP TABLE t) *}{@code /
   * // FROM t
   * }</pre>
   *
   * <p>A text longer than 100,000 characters, or nested more than 64 parentheses deep, is returned
   * unchanged. The re-flowed text is for reading only: it is never run and never analysed.
   *
   * @param sql the exact text
   * @return the text re-flowed, or {@code sql} itself when it is too long or too deep
   * @throws NullPointerException if {@code sql} is null
   */
  public String format(String sql) {
    Objects.requireNonNull(sql, "sql");
    return SqlFormatter.format(sql, dialect);
  }

  /**
   * The {@code SELECT count(*)} over the table and predicate of a single-table UPDATE or DELETE,
   * built from the parsed statement (never by cutting its text), with a DELETE's {@code ORDER BY
   * … LIMIT} kept. It runs the agent's predicate, so run it where it cannot write: inside a
   * read-only transaction with a statement timeout.
   *
   * @param statement one statement
   * @return the count query, or empty for any other statement or one that does not parse
   * @throws NullPointerException if {@code statement} is null
   */
  public Optional<String> countQuery(String statement) {
    return countQuery(statement, List.of());
  }

  /**
   * The count query of a statement run with bind parameters: they are written into the count
   * query as literals (strings, numbers, booleans, null), as the analysis reads them.
   *
   * @param statement one statement
   * @param parameters its bind parameters, in order
   * @return the count query, or empty for any other statement, one that does not parse, or
   *     parameters that do not match its placeholders
   * @throws NullPointerException if an argument is null
   */
  public Optional<String> countQuery(String statement, List<?> parameters) {
    Objects.requireNonNull(statement, "statement");
    Objects.requireNonNull(parameters, "parameters");
    if (!parameters.isEmpty()) {
      try {
        statement = BoundText.of(statement, dialect, parameters);
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
    if (statement.length() > maxLength) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(CountQuery.of(statement, parseBudget));
    } catch (RuntimeException | StackOverflowError e) {
      log.debug("Count query could not be built", e);
      return Optional.empty();
    }
  }

  /** The analysis, or UNKNOWN if Airlock's own code fails on this text: never an exception. */
  private SqlAnalysis computeSafely(String sql) {
    try {
      return compute(sql);
    } catch (RuntimeException | StackOverflowError | LinkageError e) {
      // Airlock's own failure on some text: it fails closed; the text itself is not logged
      log.warn("SQL analysis failed ({}); treating the text as UNKNOWN", e.getClass().getName());
      log.debug("SQL analysis failure", e);
      return new SqlAnalysis(dialect, List.of(), Effect.UNKNOWN,
          List.of(new Reason(ReasonCode.SQL_PARSE_ERROR,
              Findings.POLICY, "Airlock could not analyse the text ("
                  + e.getClass().getSimpleName() + ")")));
    }
  }

  /** The analysis without the cache and without the READ proof: the parser decides everything. */
  SqlAnalysis analyzeFully(String sql) {
    List<StatementInfo> infos = new ArrayList<>();
    for (Lexer.Statement statement : Lexer.scan(sql, dialect)) {
      infos.add(statements.analyze(statement));
    }
    return SqlAnalysis.of(dialect, infos, otherReadings(sql), emptyReason());
  }

  /** The READ proof alone: true only where it is certain the text is a plain read. */
  boolean provesRead(String sql) {
    List<Lexer.Statement> scanned = Lexer.scan(sql, dialect);
    if (scanned.isEmpty()) {
      return false;
    }
    for (Lexer.Statement statement : scanned) {
      if (readProof.prove(statement) == null) {
        return false;
      }
    }
    return true;
  }

  private SqlAnalysis compute(String sql) {
    List<Lexer.Statement> scanned = Lexer.scan(sql, dialect);
    List<StatementInfo> infos = new ArrayList<>(scanned.size());
    for (Lexer.Statement statement : scanned) {
      infos.add(analyze(statement));
    }
    return SqlAnalysis.of(dialect, infos, otherReadings(sql), emptyReason());
  }

  private StatementInfo analyze(Lexer.Statement statement) {
    StatementInfo proved = readProof.prove(statement);
    return proved != null ? proved : statements.analyze(statement);
  }

  /**
   * The text as a differently configured server would read it (MySQL's {@code
   * NO_BACKSLASH_ESCAPES} and {@code ANSI_QUOTES}, PostgreSQL's {@code
   * standard_conforming_strings=off}). A server stops at the first statement it cannot read, so
   * only the statements before that one count; a reading in which a genuine read such as {@code
   * 'It\'s'} is simply rejected adds nothing.
   */
  private List<StatementInfo> otherReadings(String sql) {
    List<StatementInfo> infos = new ArrayList<>();
    for (Lexer.Reading reading : Lexer.otherReadings(sql, dialect)) {
      for (Lexer.Statement statement : Lexer.scan(sql, dialect, reading)) {
        if (!statement.problems().isEmpty()) {
          break;
        }
        StatementInfo info = analyze(statement);
        if (info.effect() != Effect.READ) {
          infos.add(readAs(reading, info));
        }
      }
    }
    return infos;
  }

  private static StatementInfo readAs(Lexer.Reading reading, StatementInfo info) {
    List<Reason> reasons = new ArrayList<>();
    for (Reason reason : info.reasons()) {
      reasons.add(new Reason(reason.code(), reason.policy(),
          "on a server with " + reading.name() + ", " + reason.message()));
    }
    return new StatementInfo(info.kind(), info.effect(), reasons, info.tablesRead(),
        info.tablesWritten(), info.where(), info.functions(), info.rowLimit(), info.locking(),
        info.into());
  }

  private static Reason emptyReason() {
    return new Reason(ReasonCode.SQL_EMPTY, Findings.POLICY,
        "the text holds no statement (it is empty or only comments)");
  }

  private static boolean timedOut(SqlAnalysis analysis) {
    for (Reason reason : analysis.reasons()) {
      if (reason.code().equals(ReasonCode.ANALYSIS_TIMEOUT)) {
        return true;
      }
    }
    return false;
  }

  /** The dialect this analyser reads. */
  public SqlDialect dialect() {
    return dialect;
  }

  /** The function catalogue this analyser judges calls by. */
  public FunctionCatalog functions() {
    return functions;
  }

  @Override
  public String toString() {
    return "SqlAnalyzer[" + dialect + ", maxLength=" + maxLength + ", maxNesting=" + maxNesting
        + ", parseBudget=" + parseBudget.toMillis() + "ms]";
  }

  /** SHA-256 of the exact text: 1 MB statements never sit in the cache as keys. */
  private record TextKey(long a, long b, long c, long d) {
    static TextKey of(String text) {
      MessageDigest digest = SHA_256.get();
      byte[] buffer = HASH_BUFFER.get();
      // An injective encoding of the UTF-16 text: ASCII as one byte, any other code unit (lone
      // surrogates included) as 0xFF and its two bytes. UTF-8 would map every lone surrogate to '?'.
      int n = 0;
      for (int i = 0; i < text.length(); i++) {
        char ch = text.charAt(i);
        if (ch < 0x80) {
          buffer[n++] = (byte) ch;
        } else {
          buffer[n++] = (byte) 0xFF;
          buffer[n++] = (byte) (ch >>> 8);
          buffer[n++] = (byte) ch;
        }
        if (n > buffer.length - 3) {
          digest.update(buffer, 0, n);
          n = 0;
        }
      }
      digest.update(buffer, 0, n);
      byte[] hash = digest.digest();
      return new TextKey(longAt(hash, 0), longAt(hash, 8), longAt(hash, 16), longAt(hash, 24));
    }

    private static long longAt(byte[] bytes, int offset) {
      long value = 0;
      for (int i = offset; i < offset + 8; i++) {
        value = (value << 8) | (bytes[i] & 0xFF);
      }
      return value;
    }
  }

  /** Limits, functions and cache size of an analyser. Not thread-safe. */
  public static final class Builder {
    private final SqlDialect dialect;
    private FunctionCatalog functions;
    private int maxLength = DEFAULT_MAX_LENGTH;
    private int maxNesting = DEFAULT_MAX_NESTING;
    private Duration parseBudget = DEFAULT_PARSE_BUDGET;
    private long cacheSize = DEFAULT_CACHE_SIZE;

    private Builder(SqlDialect dialect) {
      this.dialect = dialect;
    }

    /**
     * The functions to judge calls by; by default {@link FunctionCatalog#defaults(SqlDialect)}.
     *
     * @throws NullPointerException if {@code functions} is null
     * @throws IllegalArgumentException if the catalogue is for another dialect
     */
    public Builder functions(FunctionCatalog functions) {
      Objects.requireNonNull(functions, "functions");
      if (functions.dialect() != dialect) {
        throw new IllegalArgumentException("the function catalogue is for " + functions.dialect()
            + " but the analyser reads " + dialect);
      }
      this.functions = functions;
      return this;
    }

    /**
     * The longest text analysed; a longer one is UNKNOWN ({@code SQL_TOO_LONG}).
     *
     * @throws IllegalArgumentException if {@code characters} is not positive
     */
    public Builder maxLength(int characters) {
      if (characters <= 0) {
        throw new IllegalArgumentException("maxLength must be positive, but was " + characters);
      }
      this.maxLength = characters;
      return this;
    }

    /**
     * The deepest parenthesis nesting handed to the parser; a deeper statement is UNKNOWN
     * ({@code SQL_TOO_DEEP}) unless it is proved a plain read from its tokens.
     *
     * @throws IllegalArgumentException if {@code depth} is not between 1 and 1,000
     */
    public Builder maxNesting(int depth) {
      if (depth < 1 || depth > 1000) {
        throw new IllegalArgumentException("maxNesting must be between 1 and 1000, but was " + depth);
      }
      this.maxNesting = depth;
      return this;
    }

    /**
     * The time budget for parsing one statement; past it the statement is UNKNOWN
     * ({@code ANALYSIS_TIMEOUT}) and the result is not cached.
     *
     * @throws IllegalArgumentException if {@code budget} is not between 1 ms and 1 minute
     */
    public Builder parseBudget(Duration budget) {
      Objects.requireNonNull(budget, "budget");
      if (budget.toMillis() < 1 || budget.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "parseBudget must be between 1 ms and 1 minute, but was " + budget);
      }
      this.parseBudget = budget;
      return this;
    }

    /**
     * How many analyses to keep; 0 turns the cache off.
     *
     * @throws IllegalArgumentException if {@code entries} is negative
     */
    public Builder cacheSize(long entries) {
      if (entries < 0) {
        throw new IllegalArgumentException("cacheSize must not be negative, but was " + entries);
      }
      this.cacheSize = entries;
      return this;
    }

    /** Builds the analyser. */
    public SqlAnalyzer build() {
      return new SqlAnalyzer(this);
    }
  }
}
