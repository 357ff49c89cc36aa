package dev.airlock.sql;

import dev.airlock.Effect;
import dev.airlock.ReasonCode;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The full analysis of one statement: pre-scan problems, the leading-keyword rule, a scan of the
 * tokens for calls of side-effect functions and for locking and INTO clauses, then (for queries and
 * DML) JSqlParser and a walk over the whole tree. The effect is the most severe any step found.
 */
final class StatementAnalysis {

  private static final Set<String> EXPLAIN_OPTIONS =
      Set.of("ANALYZE", "ANALYSE", "VERBOSE", "EXTENDED", "PARTITIONS", "FORMAT", "PLAN", "QUERY",
          "COSTS", "BUFFERS", "TIMING", "SUMMARY", "SETTINGS", "WAL", "GENERIC_PLAN", "MEMORY",
          "SERIALIZE");

  private final SqlDialect dialect;
  private final FunctionCatalog catalog;
  private final int maxNesting;
  private final Duration parseBudget;

  StatementAnalysis(SqlDialect dialect, FunctionCatalog catalog, int maxNesting,
      Duration parseBudget) {
    this.dialect = dialect;
    this.catalog = catalog;
    this.maxNesting = maxNesting;
    this.parseBudget = parseBudget;
  }

  StatementInfo analyze(Lexer.Statement statement) {
    Findings findings = new Findings();
    List<Token> tokens = statement.tokens();
    KeywordRules.Rule rule = KeywordRules.of(tokens);
    String kind = rule == null ? leadingWord(tokens) : rule.kind();
    if (!statement.problems().isEmpty()) {
      for (Lexer.Problem problem : statement.problems()) {
        findings.raise(Effect.UNKNOWN, problem.code(), problem.message());
      }
      return info(kind, findings, null);
    }
    return analyze(tokens, rule, kind, statement.maxDepth(), findings);
  }

  private StatementInfo analyze(List<Token> tokens, KeywordRules.Rule rule, String kind,
      int depth, Findings findings) {
    if (rule == null) {
      findings.raise(Effect.UNKNOWN, ReasonCode.SQL_PARSE_ERROR,
          kind.isEmpty() ? "the text does not start with a SQL keyword"
              : "'" + kind + "' does not start a statement Airlock knows");
      return info(kind, findings, null);
    }
    if (kind.equals("EXPLAIN") || kind.equals("DESCRIBE") || kind.equals("DESC")) {
      return explain(tokens, findings);
    }
    scanTokens(tokens, rule, findings);
    if (!rule.parseRequired()) {
      findings.raise(rule.effect(), ReasonCode.STATEMENT_KIND, rule.message());
      nestedQuery(tokens, rule, findings);
      codeInStrings(tokens, rule, findings);
      return info(kind, findings, null);
    }
    if (findings.effect().isMoreSevereThan(Effect.DESTRUCTIVE)) {
      return info(kind, findings, null); // the tokens already show ADMIN or worse: no parse needed
    }
    if (depth > maxNesting) {
      findings.raise(Effect.UNKNOWN, ReasonCode.SQL_TOO_DEEP,
          "the statement nests parentheses " + depth + " deep, more than the limit of "
              + maxNesting);
      floor(rule, findings);
      return info(kind, findings, null);
    }
    Parser.Result parsed = Parser.parse(ParserText.of(tokens, dialect), parseBudget);
    if (!parsed.parsed()) {
      findings.raise(Effect.UNKNOWN, parsed.failure(), parsed.message());
      floor(rule, findings);
      return info(kind, findings, null);
    }
    TreeFacts facts;
    try {
      facts = TreeFacts.of(parsed.statement(), catalog, findings);
    } catch (RuntimeException | StackOverflowError e) {
      // the walk is Airlock's own code; if it fails on some tree, the statement is not understood
      findings.raise(Effect.UNKNOWN, ReasonCode.SQL_PARSE_ERROR,
          "Airlock could not analyse the parsed statement (" + e.getClass().getSimpleName() + ")");
      return info(kind, findings, null);
    }
    if (findings.isEmpty() || rule.effect().isMoreSevereThan(findings.effect())) {
      findings.raise(rule.effect(), ReasonCode.STATEMENT_KIND, rule.message());
    }
    return info(kind, findings, facts);
  }

  /**
   * {@code CREATE TABLE … AS <query>} and {@code CREATE MATERIALIZED VIEW … AS <query>} run the
   * query now: a data-modifying CTE in it writes. The query is analysed like a statement of its
   * own; a query the parser cannot read counts only when it names a write.
   */
  private void nestedQuery(List<Token> tokens, KeywordRules.Rule rule, Findings findings) {
    if (!rule.kind().equals("CREATE")) {
      return;
    }
    int depth = 0;
    for (int i = 1; i + 1 < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (token.isOperator("(")) {
        depth++;
      } else if (token.isOperator(")")) {
        depth--;
      } else if (depth == 0 && token.isWord("AS")) {
        Token next = tokens.get(i + 1);
        if (!(next.isWord("SELECT") || next.isWord("WITH") || next.isWord("VALUES")
            || next.isWord("TABLE") || next.isOperator("("))) {
          return;
        }
        int end = tokens.size();
        if (end - i > 3 && tokens.get(end - 1).isWord("DATA")) {
          end -= tokens.get(end - 2).isWord("NO") ? 3 : 2; // WITH [NO] DATA
        }
        List<Token> query = tokens.subList(i + 1, end);
        Findings inner = new Findings();
        KeywordRules.Rule innerRule = KeywordRules.of(query);
        analyze(query, innerRule, innerRule == null ? "" : innerRule.kind(), maxDepth(query),
            inner);
        boolean namesWrite = KeywordRules.containsWord(query, "DELETE")
            || KeywordRules.containsWord(query, "UPDATE") || KeywordRules.containsWord(query, "INSERT")
            || KeywordRules.containsWord(query, "MERGE");
        inner.forEach((effect, reason) -> {
          boolean notUnderstood = effect == Effect.UNKNOWN;
          if (effect != Effect.READ && (!notUnderstood || namesWrite)) {
            findings.raise(effect, reason.code(), "the query it runs: " + reason.message());
          }
        });
        return;
      }
    }
  }

  /**
   * Statements that run code given as text ({@code DO}, {@code EXECUTE IMMEDIATE}, {@code PREPARE
   * … FROM}): the text is read too, and what its statements' keywords imply counts; words that
   * change who may do what make the whole PRIVILEGE.
   */
  private void codeInStrings(List<Token> tokens, KeywordRules.Rule rule, Findings findings) {
    String kind = rule.kind();
    if (!(kind.equals("DO") || kind.equals("EXECUTE") || kind.equals("EXEC")
        || kind.equals("PREPARE"))) {
      return;
    }
    for (Token token : tokens) {
      if (token.kind() == Token.Kind.STRING) {
        readCode(token.text(), rule, findings, 0);
      }
    }
  }

  private void readCode(String code, KeywordRules.Rule outer, Findings findings, int depth) {
    for (Lexer.Statement statement : Lexer.scan(code, dialect)) {
      for (Token token : statement.tokens()) {
        String word = token.keyword();
        if (word != null && PRIVILEGE_WORDS.contains(word)) {
          findings.raise(Effect.PRIVILEGE, ReasonCode.STATEMENT_KIND,
              outer.kind() + " runs code that changes who may do what (" + word + ")");
        } else if (token.kind() == Token.Kind.STRING && depth < 3) {
          readCode(token.text(), outer, findings, depth + 1); // EXECUTE '…' inside the code
        }
      }
      KeywordRules.Rule inner = KeywordRules.of(statement.tokens());
      if (inner != null && inner.effect().isMoreSevereThan(outer.effect())) {
        findings.raise(inner.effect(), ReasonCode.STATEMENT_KIND,
            outer.kind() + " runs code in which " + inner.message());
      }
    }
  }

  private static final Set<String> PRIVILEGE_WORDS = Set.of("GRANT", "REVOKE", "ROLE", "USER",
      "SUPERUSER", "AUTHORIZATION", "OWNER", "PRIVILEGES", "PASSWORD", "CREATEROLE", "BYPASSRLS");

  /** What the leading keywords imply, as a further reason, when they imply more than a read. */
  private static void floor(KeywordRules.Rule rule, Findings findings) {
    if (rule.effect() != Effect.READ) {
      findings.raise(rule.effect(), ReasonCode.STATEMENT_KIND, rule.message());
    }
  }

  /**
   * EXPLAIN only plans; EXPLAIN ANALYZE runs the statement and has its effect. Planning still
   * evaluates functions with constant arguments, so the functions of an explained statement count
   * even without ANALYZE. An option Airlock does not know (or spells quoted) counts as ANALYZE.
   */
  private StatementInfo explain(List<Token> tokens, Findings findings) {
    boolean analyze = false;
    int i = 1;
    if (i < tokens.size() && tokens.get(i).isOperator("(")) {
      int depth = 0;
      boolean expectOption = true;
      for (; i < tokens.size(); i++) {
        Token token = tokens.get(i);
        if (token.isOperator("(")) {
          depth++;
        } else if (token.isOperator(")")) {
          depth--;
          if (depth == 0) {
            i++;
            break;
          }
        } else if (token.isOperator(",")) {
          expectOption = true;
        } else if (expectOption) {
          expectOption = false;
          String option = token.kind() == Token.Kind.WORD ? token.keyword() : null;
          if (option == null || !EXPLAIN_OPTIONS.contains(option)
              || option.equals("ANALYZE") || option.equals("ANALYSE")) {
            Token value = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            boolean off = value != null && (value.isWord("FALSE") || value.isWord("OFF")
                || (value.kind() == Token.Kind.NUMBER && value.text().equals("0")));
            analyze |= option == null || !EXPLAIN_OPTIONS.contains(option) || !off;
          }
        }
      }
    } else {
      while (i < tokens.size()) {
        Token token = tokens.get(i);
        if (token.isWord("ANALYZE") || token.isWord("ANALYSE")) {
          analyze = true;
        } else if (token.isWord("INTO")) {
          findings.raise(Effect.ADMIN, ReasonCode.NESTED_WRITE,
              "EXPLAIN … INTO writes the plan into a variable of the session");
        } else if (token.isOperator("=")) {
          i++; // FORMAT = JSON: skip the value
        } else if (token.isWord("FOR") && i + 1 < tokens.size()
            && tokens.get(i + 1).isWord("CONNECTION")) {
          i = tokens.size(); // EXPLAIN FOR CONNECTION n reads another session's plan
          break;
        } else if (!(token.kind() == Token.Kind.WORD
            && (EXPLAIN_OPTIONS.contains(token.keyword()) || token.isWord("FOR")))) {
          break;
        }
        i++;
      }
    }
    List<Token> inner = tokens.subList(Math.min(i, tokens.size()), tokens.size());
    KeywordRules.Rule rule = KeywordRules.of(inner);
    String innerKind = rule == null ? leadingWord(inner) : rule.kind();
    int maxDepth = maxDepth(inner);
    if (!analyze) {
      findings.raise(Effect.READ, ReasonCode.STATEMENT_KIND,
          "EXPLAIN without ANALYZE plans the statement without running it");
      if (rule != null && !inner.isEmpty()) {
        Findings planned = new Findings();
        analyze(inner, rule, innerKind, maxDepth, planned);
        planned.forEach((effect, reason) -> {
          ReasonCode code = reason.code();
          if (code.equals(ReasonCode.UNKNOWN_FUNCTION)
              || code.equals(ReasonCode.SIDE_EFFECT_FUNCTION)) {
            findings.raise(effect, code, "planning " + reason.message());
          }
        });
      }
      return info("EXPLAIN", findings, null);
    }
    findings.raise(Effect.READ, ReasonCode.STATEMENT_KIND,
        "EXPLAIN ANALYZE runs the statement it explains");
    StatementInfo explained = analyze(inner, rule, innerKind, maxDepth, findings);
    return new StatementInfo("EXPLAIN", explained.effect(), explained.reasons(),
        explained.tablesRead(), explained.tablesWritten(), explained.where(),
        explained.functions(), explained.rowLimit(), explained.locking(), explained.into());
  }

  /**
   * What the tokens alone show, parsed or not: calls of functions with a known side effect, MySQL
   * variable assignments, locking clauses and SELECT … INTO.
   */
  private void scanTokens(List<Token> tokens, KeywordRules.Rule rule, Findings findings) {
    boolean query = rule.kind().equals("SELECT") || rule.kind().equals("VALUES");
    String lastVerb = rule.kind();
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      if ((token.kind() == Token.Kind.WORD || token.kind() == Token.Kind.QUOTED_IDENTIFIER)
          && next != null && next.isOperator("(")) {
        String name = token.text();
        if (i >= 2 && tokens.get(i - 1).isOperator(".")) {
          name = tokens.get(i - 2).text() + "." + name;
        }
        name = FunctionCatalog.normalize(name);
        Effect effect = catalog.lookup(name);
        boolean noArguments = i + 2 < tokens.size() && tokens.get(i + 2).isOperator(")");
        if (effect != null && effect != Effect.READ && !(noArguments && readsWithoutArguments(name))) {
          findings.raise(effect, ReasonCode.SIDE_EFFECT_FUNCTION,
              "calls " + name + "(), which is " + effect);
        } else if (effect == null && rule.kind().equals("SHOW")
            && !TreeFacts.SYNTAX_FUNCTIONS.contains(name)) {
          // SHOW is not parsed: a function the catalogue does not know in its WHERE may write
          findings.raise(Effect.WRITE, ReasonCode.UNKNOWN_FUNCTION,
              "calls " + name + "(), a function Airlock does not know, which may write");
        }
      }
      if (token.isOperator(".") && next != null
          && (next.kind() == Token.Kind.WORD || next.kind() == Token.Kind.QUOTED_IDENTIFIER)
          && (next.text().equalsIgnoreCase("nextval") || next.text().equalsIgnoreCase("currval"))) {
        findings.raise(Effect.WRITE, ReasonCode.SIDE_EFFECT_FUNCTION,
            "sequence." + next.text() + " may advance a sequence (Oracle-compatible modes)");
      }
      if ((token.kind() == Token.Kind.WORD || token.kind() == Token.Kind.QUOTED_IDENTIFIER)
          && token.text().equalsIgnoreCase("set_config") && next != null && next.isOperator("(")) {
        int j = i + 1;
        while (j < tokens.size() && tokens.get(j).isOperator("(")) {
          j++; // set_config(('role'), …)
        }
        Token setting = j < tokens.size() ? tokens.get(j) : null;
        if (setting == null || setting.kind() != Token.Kind.STRING
            || KeywordRules.isPrincipalSetting(setting.text())) {
          // the role itself, or a name computed at run time that may be it
          findings.raise(Effect.PRIVILEGE, ReasonCode.SIDE_EFFECT_FUNCTION,
              "set_config(…) may change who the session is");
        }
      }
      if (dialect != SqlDialect.POSTGRESQL && token.isOperator(":=")) {
        findings.raise(Effect.ADMIN, ReasonCode.NESTED_WRITE,
            "':=' assigns a variable of the session");
      }
      if (token.kind() != Token.Kind.WORD || token.text().length() > 7) {
        continue; // no word this scan looks for is longer than seven letters
      }
      String word = token.keyword();
      switch (word) {
        case "SELECT", "INSERT", "REPLACE", "MERGE", "UPSERT", "UPDATE", "DELETE" -> lastVerb = word;
        default -> { }
      }
      if (!query) {
        continue;
      }
      if (word.equals("FOR") && next != null) {
        String lock = lockingClause(tokens, i);
        if (lock != null) {
          findings.raiseOnce(Effect.WRITE, ReasonCode.LOCKING_CLAUSE, lock + " locks rows");
        }
      } else if (word.equals("LOCK") && next != null && next.isWord("IN")) {
        findings.raiseOnce(Effect.WRITE, ReasonCode.LOCKING_CLAUSE,
            "LOCK IN SHARE MODE locks rows");
      } else if (word.equals("INTO") && lastVerb.equals("SELECT") && next != null) {
        selectInto(next, findings);
      }
    }
  }

  /** MySQL's LAST_INSERT_ID() reads; only LAST_INSERT_ID(expr) sets the session's value. */
  static boolean readsWithoutArguments(String name) {
    return name.equals("last_insert_id");
  }

  private static String lockingClause(List<Token> tokens, int i) {
    String a = KeywordRules.keyword(tokens, i + 1);
    String b = KeywordRules.keyword(tokens, i + 2);
    String c = KeywordRules.keyword(tokens, i + 3);
    if ("UPDATE".equals(a) || "SHARE".equals(a)) {
      return "FOR " + a;
    }
    if ("NO".equals(a) && "KEY".equals(b) && "UPDATE".equals(c)) {
      return "FOR NO KEY UPDATE";
    }
    if ("KEY".equals(a) && "SHARE".equals(b)) {
      return "FOR KEY SHARE";
    }
    return null;
  }

  private void selectInto(Token target, Findings findings) {
    String word = target.keyword();
    if ("OUTFILE".equals(word) || "DUMPFILE".equals(word)) {
      findings.raiseOnce(Effect.ADMIN, ReasonCode.NESTED_WRITE,
          "SELECT … INTO " + word + " writes a file on the database server");
    } else if (dialect == SqlDialect.MYSQL || (word != null && word.startsWith("@"))) {
      findings.raiseOnce(Effect.ADMIN, ReasonCode.NESTED_WRITE,
          "SELECT … INTO sets variables of the session");
    } else {
      findings.raiseOnce(Effect.SCHEMA, ReasonCode.NESTED_WRITE,
          "SELECT … INTO creates a table");
    }
  }

  private static int maxDepth(List<Token> tokens) {
    int depth = 0;
    int max = 0;
    for (Token token : tokens) {
      if (token.isOperator("(")) {
        max = Math.max(max, ++depth);
      } else if (token.isOperator(")")) {
        depth = Math.max(0, depth - 1);
      }
    }
    return max;
  }

  private static String leadingWord(List<Token> tokens) {
    if (tokens.isEmpty() || tokens.get(0).kind() != Token.Kind.WORD) {
      return "";
    }
    String word = tokens.get(0).keyword();
    return word.length() <= 40 ? word : word.substring(0, 40);
  }

  private static StatementInfo info(String kind, Findings findings, TreeFacts facts) {
    Set<String> read = facts == null ? Set.of() : facts.tablesRead();
    Set<String> written = facts == null ? Set.of() : new LinkedHashSet<>(facts.tablesWritten);
    return new StatementInfo(
        kind,
        findings.effect(),
        findings.reasons(),
        read,
        written,
        facts == null ? WhereClause.NOT_APPLICABLE : facts.where,
        facts == null ? List.of() : facts.functions,
        facts == null ? null : facts.limit,
        facts == null ? null : facts.lockingClause,
        facts == null ? null : facts.intoTarget);
  }
}
