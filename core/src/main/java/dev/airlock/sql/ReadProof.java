package dev.airlock.sql;

import dev.airlock.Effect;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.ParserKeywordsUtils;

/**
 * The fast path: proves a plain query READ from the pre-scan's tokens alone, without a full parse.
 * It recognises a deliberately small grammar (SELECT with joins, subqueries, CTEs, set operations,
 * CASE, CAST, window and ordered-set aggregates, calls of functions the catalogue knows are
 * read-only) and answers only where it is certain; anything outside that grammar, any name that is
 * a JSqlParser keyword, any unknown function, goes to the full analysis, which stays the authority.
 * A differential test checks that this never says READ where the full analysis says otherwise.
 */
final class ReadProof {

  /** Words this grammar gives a meaning; never read as names. */
  private static final Set<String> STRUCTURE =
      Set.of(
          "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION",
          "INTERSECT", "EXCEPT", "JOIN", "ON", "USING", "INNER", "LEFT", "RIGHT", "FULL", "OUTER",
          "CROSS", "NATURAL", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE",
          "BETWEEN", "CASE", "WHEN", "THEN", "ELSE", "END", "EXISTS", "DISTINCT", "ALL", "WITH",
          "ASC", "DESC", "NULLS", "FIRST", "LAST", "TRUE", "FALSE", "CAST", "OVER", "PARTITION",
          "FILTER", "WITHIN", "INTO", "FOR", "VALUES", "TABLE", "LATERAL", "RECURSIVE", "WINDOW",
          "FETCH", "ROWS", "ROW", "RANGE", "INTERVAL", "ESCAPE", "ANY", "SOME", "ARRAY", "EXTRACT",
          "DATE", "TIME", "TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP",
          "LOCALTIME", "LOCALTIMESTAMP", "SIMILAR", "ONLY", "LOCK", "SHARE", "UPDATE", "DELETE",
          "INSERT", "MERGE", "REPLACE", "RETURNING", "SET", "CALL", "DO", "OUTFILE", "DUMPFILE",
          "NEXTVAL", "CURRVAL");

  /** JSqlParser's reserved keywords: a name spelled like one may not parse, so no proof. */
  private static final Set<String> RESERVED = reservedKeywords();

  private static final Set<String> STRUCTURE_LOWER = lowerCase(STRUCTURE);
  private static final Set<String> RESERVED_LOWER = lowerCase(RESERVED);

  private static final Set<String> COMPARISONS =
      Set.of("=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||", "->", "->>",
          "#>", "#>>", "@>", "<@", "~", "~*", "!~", "!~*");

  /** Functions written in SQL syntax whose arguments are plain expressions. */
  private static final Set<String> PLAIN_SYNTAX_FUNCTIONS =
      Set.of("coalesce", "greatest", "least", "nullif");

  /** Calls with arguments that are not plain expressions (types, keywords): for the parser. */
  private static final Set<String> SPECIAL_SYNTAX = Set.of("convert", "cast", "extract",
      "position", "substring", "overlay", "trim", "treat", "interval", "char", "normalize",
      "collation", "json_object", "json_array", "json_value", "json_query", "json_table",
      "json_exists", "json_objectagg", "json_arrayagg", "xmlelement", "xmlforest", "xmlparse",
      "xmlserialize", "xmlexists", "xmlattributes", "xmltable", "exists", "any", "some", "all",
      "values", "filter", "row", "array", "translate", "match", "weight_string");

  private static final Set<String> ARITHMETIC = Set.of("+", "-", "*", "/", "%", "||");

  private static final Set<String> TYPES =
      Set.of("INT", "INTEGER", "BIGINT", "SMALLINT", "NUMERIC", "DECIMAL", "REAL", "FLOAT",
          "TEXT", "VARCHAR", "CHAR", "DATE", "TIMESTAMP", "TIMESTAMPTZ", "BOOLEAN", "BOOL", "JSON",
          "JSONB", "UUID", "INTERVAL", "TIME", "MONEY", "SIGNED", "UNSIGNED", "INT4", "INT8",
          "FLOAT8", "FLOAT4", "REGCLASS");

  private static final Reason REASON =
      new Reason(ReasonCode.STATEMENT_KIND, Findings.POLICY,
          "a query that only reads");

  /** Thrown to leave the proof; preallocated, without a stack trace. */
  private static final class Punt extends RuntimeException {
    Punt() {
      super(null, null, false, false);
    }
  }

  private static final Punt PUNT = new Punt();

  private final FunctionCatalog catalog;

  ReadProof(FunctionCatalog catalog) {
    this.catalog = catalog;
  }

  /** The statement's info if it is certainly a plain read; null to let the full analysis decide. */
  StatementInfo prove(Lexer.Statement statement) {
    if (!statement.problems().isEmpty() || statement.tokens().isEmpty()) {
      return null;
    }
    Token first = statement.tokens().get(0);
    if (!(first.isWord("SELECT") || first.isWord("WITH") || first.isOperator("("))) {
      return null;
    }
    Proof proof = new Proof(statement.tokens());
    try {
      proof.query();
      if (proof.pos != proof.tokens.size()) {
        return null;
      }
    } catch (Punt | StackOverflowError e) {
      return null;
    }
    Set<String> tables = new LinkedHashSet<>(proof.tables);
    tables.removeAll(proof.ctes);
    return new StatementInfo("SELECT", Effect.READ, List.of(REASON), tables, Set.of(),
        WhereClause.NOT_APPLICABLE, proof.functions, null, null, null);
  }

  private final class Proof {
    final List<Token> tokens;
    int pos;
    final List<String> functions = new ArrayList<>();
    final Set<String> tables = new LinkedHashSet<>();
    final Set<String> ctes = new HashSet<>();

    Proof(List<Token> tokens) {
      this.tokens = tokens;
    }

    void query() {
      if (word("WITH")) {
        word("RECURSIVE");
        do {
          ctes.add(name());
          if (op("(")) {
            nameList();
            expect(")");
          }
          expectWord("AS");
          expect("(");
          query();
          expect(")");
        } while (op(","));
      }
      setExpression();
      if (word("ORDER")) {
        expectWord("BY");
        orderList();
      }
      if (word("LIMIT")) {
        constant();
        if (op(",")) {
          constant();
        }
      }
      if (word("OFFSET")) {
        constant();
      }
    }

    void setExpression() {
      selectTerm();
      while (isWord("UNION") || isWord("INTERSECT") || isWord("EXCEPT")) {
        pos++;
        if (!word("ALL")) {
          word("DISTINCT");
        }
        selectTerm();
      }
    }

    void selectTerm() {
      if (op("(")) {
        query();
        expect(")");
        return;
      }
      expectWord("SELECT");
      if (word("DISTINCT")) {
        if (word("ON")) {
          expect("(");
          expressionList();
          expect(")");
        }
      } else {
        word("ALL");
      }
      do {
        selectItem();
      } while (op(","));
      if (word("FROM")) {
        do {
          tableReference();
        } while (op(","));
      }
      if (word("WHERE")) {
        expression();
      }
      if (word("GROUP")) {
        expectWord("BY");
        expressionList();
      }
      if (word("HAVING")) {
        expression();
      }
    }

    void selectItem() {
      if (op("*")) {
        return;
      }
      if (isName(0) && peekOp(1, ".") && peekOp(2, "*")) {
        pos += 3;
        return;
      }
      expression();
      alias();
    }

    void alias() {
      if (word("AS")) {
        name();
      } else if (isName(0)) {
        name();
      }
    }

    void tableReference() {
      tablePrimary();
      while (true) {
        if (word("CROSS")) {
          expectWord("JOIN");
          tablePrimary();
          continue;
        }
        boolean outer = false;
        if (word("LEFT") || word("RIGHT") || word("FULL")) {
          word("OUTER");
          outer = true;
        } else {
          word("INNER");
        }
        if (!word("JOIN")) {
          if (outer) {
            throw PUNT;
          }
          return;
        }
        tablePrimary();
        if (word("ON")) {
          expression();
        } else if (word("USING")) {
          expect("(");
          nameList();
          expect(")");
        } else {
          throw PUNT;
        }
      }
    }

    void tablePrimary() {
      boolean lateral = word("LATERAL");
      if (op("(")) {
        query();
        expect(")");
        word("AS");
        name();
        columnAliases();
        return;
      }
      if (lateral) {
        throw PUNT;
      }
      boolean quoted = peek(0) != null && peek(0).kind() == Token.Kind.QUOTED_IDENTIFIER;
      String name = name();
      if (op(".")) {
        quoted |= peek(0) != null && peek(0).kind() == Token.Kind.QUOTED_IDENTIFIER;
        name = name + "." + name();
      }
      if (peekOp(0, "(")) {
        if (quoted) {
          throw PUNT;
        }
        call(name);
        alias();
        columnAliases();
        return;
      }
      tables.add(name);
      alias();
    }

    void columnAliases() {
      if (op("(")) {
        nameList();
        expect(")");
      }
    }

    void expression() {
      operand();
      while (true) {
        Token token = peek(0);
        if (token == null) {
          return;
        }
        if (token.kind() == Token.Kind.OPERATOR && COMPARISONS.contains(token.text())) {
          pos++;
          operand();
        } else if (token.isWord("AND") || token.isWord("OR")) {
          pos++;
          operand();
        } else {
          return;
        }
      }
    }

    void operand() {
      while (word("NOT") || op("-") || op("+")) {
        // prefixes
      }
      primary();
      while (true) {
        Token next = peek(0);
        if (next == null || (next.kind() == Token.Kind.OPERATOR && !next.text().equals("::"))) {
          return; // the common case: a comma, a parenthesis or a binary operator follows
        }
        if (op("::")) {
          type();
        } else if (word("IS")) {
          word("NOT");
          if (!(word("NULL") || word("TRUE") || word("FALSE"))) {
            throw PUNT;
          }
        } else if (isWord("NOT") && (peekWord(1, "IN") || peekWord(1, "LIKE")
            || peekWord(1, "ILIKE") || peekWord(1, "BETWEEN"))) {
          pos++;
        } else if (word("IN")) {
          expect("(");
          if (isWord("SELECT") || isWord("WITH")) {
            query();
          } else {
            expressionList();
          }
          expect(")");
        } else if (word("LIKE") || word("ILIKE")) {
          primary();
        } else if (word("BETWEEN")) {
          arithmetic();
          expectWord("AND");
          arithmetic();
        } else {
          return;
        }
      }
    }

    /** An operand of BETWEEN: no AND or OR of its own. */
    void arithmetic() {
      while (op("-") || op("+")) {
        // signs
      }
      primary();
      while (peek(0) != null && peek(0).kind() == Token.Kind.OPERATOR
          && ARITHMETIC.contains(peek(0).text())) {
        pos++;
        primary();
      }
    }

    void primary() {
      Token token = next();
      switch (token.kind()) {
        case NUMBER, STRING, PARAMETER -> {
          return;
        }
        case OPERATOR -> {
          if (!token.text().equals("(")) {
            throw PUNT;
          }
          if (isWord("SELECT") || isWord("WITH")) {
            query();
          } else {
            expressionList();
          }
          expect(")");
          return;
        }
        default -> { }
      }
      String word = token.keyword();
      if (word != null) {
        switch (word) {
          case "NULL", "TRUE", "FALSE", "CURRENT_DATE", "CURRENT_TIMESTAMP" -> {
            return;
          }
          case "EXISTS" -> {
            expect("(");
            query();
            expect(")");
            return;
          }
          case "CASE" -> {
            caseExpression();
            return;
          }
          case "CAST" -> {
            expect("(");
            expression();
            expectWord("AS");
            type();
            expect(")");
            return;
          }
          case "INTERVAL", "DATE", "TIMESTAMP" -> {
            if (next().kind() != Token.Kind.STRING) {
              throw PUNT;
            }
            return;
          }
          default -> { }
        }
      }
      pos--;
      boolean quoted = token.kind() == Token.Kind.QUOTED_IDENTIFIER;
      String name = name();
      if (peekOp(0, "(")) {
        if (quoted) {
          throw PUNT; // a quoted function name may keep its case: another function
        }
        call(name);
        return;
      }
      int parts = 1;
      while (peekOp(0, ".")) {
        pos++;
        name();
        if (++parts > 3) {
          throw PUNT;
        }
      }
    }

    void caseExpression() {
      if (!isWord("WHEN")) {
        expression();
      }
      if (!isWord("WHEN")) {
        throw PUNT;
      }
      while (word("WHEN")) {
        expression();
        expectWord("THEN");
        expression();
      }
      if (word("ELSE")) {
        expression();
      }
      expectWord("END");
    }

    void call(String name) {
      String normalized = FunctionCatalog.normalize(name);
      if (SPECIAL_SYNTAX.contains(normalized) || (catalog.lookup(normalized) != Effect.READ
          && !PLAIN_SYNTAX_FUNCTIONS.contains(normalized))) {
        throw PUNT;
      }
      functions.add(normalized);
      expect("(");
      if (!op(")")) {
        if (!op("*")) {
          word("DISTINCT");
          expressionList();
          if (word("ORDER")) {
            expectWord("BY");
            orderList();
          }
        }
        expect(")");
      }
      if (word("WITHIN")) {
        expectWord("GROUP");
        expect("(");
        expectWord("ORDER");
        expectWord("BY");
        orderList();
        expect(")");
      }
      if (word("FILTER")) {
        expect("(");
        expectWord("WHERE");
        expression();
        expect(")");
      }
      if (word("OVER")) {
        expect("(");
        if (word("PARTITION")) {
          expectWord("BY");
          expressionList();
        }
        if (word("ORDER")) {
          expectWord("BY");
          orderList();
        }
        expect(")");
      }
    }

    void type() {
      Token token = next();
      if (token.kind() != Token.Kind.WORD || !TYPES.contains(token.keyword())) {
        throw PUNT;
      }
      if (op("(")) {
        constant();
        if (op(",")) {
          constant();
        }
        expect(")");
      }
    }

    void orderList() {
      do {
        expression();
        if (!word("ASC")) {
          word("DESC");
        }
        if (word("NULLS")) {
          if (!(word("FIRST") || word("LAST"))) {
            throw PUNT;
          }
        }
      } while (op(","));
    }

    void expressionList() {
      do {
        expression();
      } while (op(","));
    }

    void nameList() {
      do {
        name();
      } while (op(","));
    }

    void constant() {
      Token token = next();
      if (token.kind() != Token.Kind.NUMBER && token.kind() != Token.Kind.PARAMETER) {
        throw PUNT;
      }
    }

    String name() {
      if (!isName(0)) {
        throw PUNT;
      }
      Token token = next();
      return token.kind() == Token.Kind.WORD ? FunctionCatalog.normalize(token.text()) : token.text();
    }

    boolean isName(int offset) {
      Token token = peek(offset);
      if (token == null) {
        return false;
      }
      if (token.kind() == Token.Kind.QUOTED_IDENTIFIER) {
        // a quoted NEXTVAL may still advance a sequence in Oracle-compatible modes
        return isPlainName(token.text()) && !token.text().equalsIgnoreCase("nextval")
            && !token.text().equalsIgnoreCase("currval");
      }
      if (token.kind() != Token.Kind.WORD) {
        return false;
      }
      String text = token.text();
      int shape = shape(text);
      if (shape == NOT_PLAIN) {
        return false;
      }
      if (shape == LOWER) { // the usual name: no upper-case copy needed
        return !STRUCTURE_LOWER.contains(text) && !RESERVED_LOWER.contains(text);
      }
      String word = token.keyword();
      return !STRUCTURE.contains(word) && !RESERVED.contains(word);
    }

    Token peek(int offset) {
      int i = pos + offset;
      return i < tokens.size() ? tokens.get(i) : null;
    }

    Token next() {
      if (pos >= tokens.size()) {
        throw PUNT;
      }
      return tokens.get(pos++);
    }

    boolean isWord(String word) {
      Token token = peek(0);
      return token != null && token.isWord(word);
    }

    boolean peekWord(int offset, String word) {
      Token token = peek(offset);
      return token != null && token.isWord(word);
    }

    boolean peekOp(int offset, String operator) {
      Token token = peek(offset);
      return token != null && token.isOperator(operator);
    }

    boolean word(String word) {
      if (isWord(word)) {
        pos++;
        return true;
      }
      return false;
    }

    boolean op(String operator) {
      if (peekOp(0, operator)) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(String operator) {
      if (!op(operator)) {
        throw PUNT;
      }
    }

    void expectWord(String word) {
      if (!word(word)) {
        throw PUNT;
      }
    }
  }

  private static final int NOT_PLAIN = 0;
  private static final int LOWER = 1;
  private static final int MIXED = 2;

  /** Whether a word is a plain ASCII name, and whether it has capitals: one pass. */
  private static int shape(String text) {
    if (text.isEmpty() || text.length() > 63) {
      return NOT_PLAIN;
    }
    int shape = LOWER;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        shape = MIXED;
      } else if (!((c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9'))) {
        return NOT_PLAIN;
      }
    }
    return shape;
  }

  private static Set<String> lowerCase(Set<String> words) {
    Set<String> lower = new HashSet<>();
    for (String word : words) {
      lower.add(word.toLowerCase(java.util.Locale.ROOT));
    }
    return Set.copyOf(lower);
  }

  private static boolean isPlainName(String text) {
    if (text.isEmpty() || text.length() > 63) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> reservedKeywords() {
    Set<String> reserved = new HashSet<>();
    String[] images = CCJSqlParserConstants.tokenImage;
    for (int kind = 0; kind < images.length; kind++) {
      String image = images[kind];
      if (image.length() > 2 && image.startsWith("\"") && image.endsWith("\"")
          && Character.isLetter(image.charAt(1))
          && !ParserKeywordsUtils.isNonReservedKeyword(kind)) {
        reserved.add(image.substring(1, image.length() - 1).toUpperCase(java.util.Locale.ROOT));
      }
    }
    return Set.copyOf(reserved);
  }
}
