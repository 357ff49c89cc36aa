package dev.airlock.sql;

import dev.airlock.ReasonCode;
import dev.airlock.sql.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The pre-scan: reads SQL text the way the dialect's own server does (its quoting and comment
 * rules), splits it into statements at top-level semicolons and records what a parser would lose:
 * executable comments, unterminated literals, characters the server reads as part of a name.
 *
 * <p>PostgreSQL: standard strings, {@code E''} escapes, {@code U&''}, {@code $tag$} dollar quotes,
 * nested block comments, {@code --} to the end of the line. MySQL and MariaDB: backslash escapes in
 * single- and double-quoted strings, backticks, {@code #}, {@code --} only before whitespace or a
 * control character, block comments that do not nest, executable comments {@code /*! * /} and
 * {@code /*M! * /}. H2: standard strings, {@code $$} strings, nested block comments, {@code --} and
 * {@code //} line comments, Unicode space characters as whitespace.
 *
 * <p>Not thread-safe; a new instance per text.
 */
final class Lexer {

  /** What the pre-scan found wrong with a statement; any problem makes the statement UNKNOWN. */
  record Problem(ReasonCode code, String message) {}

  /**
   * One statement as the server would see it.
   *
   * @param start offset in the whole text where the statement (and its tokens' offsets) begin
   */
  record Statement(int start, List<Token> tokens, int maxDepth, List<Problem> problems) {}

  private static final String[] OPERATORS = {
    // longest first within each leading character is ensured by length order below
    "<=>", "->>", "#>>", "!~~*", "~~*", "!~~", "!~*", "<<=", ">>=", "<->", "<<|", "|>>", "-|-",
    "::", ":=", "<=", ">=", "<>", "!=", "<<", ">>", "||", "&&", "->", "#>", "@>", "<@", "?|", "?&",
    "~~", "!~", "~*", "@@", "&<", "&>", "^@", "#-", "@?", "!!", "=>"
  };

  private static final String[] ONE_CHARACTER = new String[128];

  static {
    for (char c = 0; c < 128; c++) {
      ONE_CHARACTER[c] = String.valueOf(c).intern();
    }
  }

  private final String sql;
  private final SqlDialect dialect;
  private final int length;
  private int pos;

  private final List<Statement> statements = new ArrayList<>();
  private List<Token> tokens;
  private List<Problem> problems = new ArrayList<>();
  private int statementStart;
  private int depth;
  private int maxDepth;
  private boolean spaceBefore;

  /**
   * Server settings that change how text is read. The default reading is each dialect's default
   * configuration; the others are what a server configured otherwise would see: PostgreSQL with
   * {@code standard_conforming_strings=off} (backslash escapes in plain strings), MySQL with
   * {@code NO_BACKSLASH_ESCAPES} or {@code ANSI_QUOTES} in its {@code sql_mode}.
   *
   * @param backslashEscapes whether a backslash escapes the next character in a plain string
   * @param ansiQuotes whether double quotes delimit names rather than strings (MySQL)
   */
  record Reading(String name, boolean backslashEscapes, boolean ansiQuotes) {}

  private final Reading reading;

  /**
   * A comment or a statement-separating semicolon, which are not tokens, as the pre-scan met it:
   * for a reader of the whole text ({@link SqlFormatter}). Offsets are in the whole text.
   *
   * @param separator whether it is a top-level {@code ;} rather than a comment
   * @param start offset of its first character
   * @param end offset just past its last character (a line comment stops before its line end)
   */
  record Mark(boolean separator, int start, int end) {}

  /** The statements of a text and, in order, every comment and separator between its tokens. */
  record Layout(List<Statement> statements, List<Mark> marks) {}

  /** Null unless the caller asked for the layout: the analysis never pays for it. */
  private List<Mark> marks;

  private static boolean mentionsLexerSettings(String sql) {
    String lower = sql.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("sql_mode") || lower.contains("standard_conforming_strings")
        || lower.contains("ansi_quotes") || lower.contains("no_backslash_escapes");
  }

  private Lexer(String sql, SqlDialect dialect, Reading reading) {
    this.sql = sql;
    this.dialect = dialect;
    this.length = sql.length();
    this.reading = reading;
    this.tokens = new ArrayList<>(Math.min(1024, Math.max(16, length / 4)));
  }

  /** Splits {@code sql} into the statements the dialect's server would see; never throws. */
  static List<Statement> scan(String sql, SqlDialect dialect) {
    return scan(sql, dialect, defaultReading(dialect));
  }

  static List<Statement> scan(String sql, SqlDialect dialect, Reading reading) {
    Lexer lexer = new Lexer(sql, dialect, reading);
    lexer.run();
    return lexer.statements;
  }

  /**
   * Scans {@code sql} as {@link #scan(String, SqlDialect)} does and also keeps where each comment
   * and each separating {@code ;} stands; the statements are the same. Never throws.
   */
  static Layout layout(String sql, SqlDialect dialect) {
    Lexer lexer = new Lexer(sql, dialect, defaultReading(dialect));
    lexer.marks = new ArrayList<>();
    lexer.run();
    return new Layout(lexer.statements, lexer.marks);
  }

  static Reading defaultReading(SqlDialect dialect) {
    return switch (dialect) {
      case POSTGRESQL -> new Reading("standard_conforming_strings=on", false, false);
      case MYSQL -> new Reading("default sql_mode", true, false);
      case H2 -> new Reading("default", false, false);
    };
  }

  /**
   * The other readings a text may get when it changes the settings that decide how the server
   * reads strings (a {@code SET sql_mode …} or {@code set_config('standard_conforming_strings', …)}
   * before a later statement of the same text). Only where the text also holds a backslash could
   * the readings differ. A server configured with such settings from the start is outside what text
   * alone can show; see the README's known limits.
   */
  static List<Reading> otherReadings(String sql, SqlDialect dialect) {
    if (sql.indexOf('\\') < 0 || !mentionsLexerSettings(sql)) {
      return List.of();
    }
    return switch (dialect) {
      case POSTGRESQL -> List.of(new Reading("standard_conforming_strings=off", true, false));
      case MYSQL -> sql.indexOf('"') < 0
          ? List.of(new Reading("sql_mode NO_BACKSLASH_ESCAPES", false, false))
          : List.of(new Reading("sql_mode NO_BACKSLASH_ESCAPES", false, false),
              new Reading("sql_mode ANSI_QUOTES", true, true),
              new Reading("sql_mode ANSI_QUOTES,NO_BACKSLASH_ESCAPES", false, true));
      case H2 -> List.of();
    };
  }

  private void run() {
    while (pos < length) {
      char c = sql.charAt(pos);
      if (isWhitespace(c)) {
        pos++;
        spaceBefore = true;
      } else if (c == ';' && depth == 0) {
        pos++;
        if (marks != null) {
          marks.add(new Mark(true, pos - 1, pos));
        }
        endStatement(pos - 1);
        statementStart = pos;
      } else if ((c == '-' || c == '/' || c == '#') && startsComment(c)) {
        int start = pos;
        comment(c);
        if (marks != null) {
          marks.add(new Mark(false, start, pos));
        }
        spaceBefore = true;
      } else {
        token(c);
        spaceBefore = false;
      }
    }
    endStatement(length);
  }

  private void endStatement(int end) {
    if (!tokens.isEmpty() || !problems.isEmpty()) {
      statements.add(
          new Statement(
              statementStart,
              java.util.Collections.unmodifiableList(tokens),
              maxDepth,
              List.copyOf(problems)));
    }
    tokens = new ArrayList<>(Math.min(1024, Math.max(16, (length - end) / 4)));
    problems = new ArrayList<>();
    depth = 0;
    maxDepth = 0;
    spaceBefore = false;
  }

  private boolean isWhitespace(char c) {
    return switch (c) {
      case ' ', '\t', '\n', '\r', '\f', '\u000B' -> true;
      default -> dialect == SqlDialect.H2 && c > 127 && (Character.isSpaceChar(c)
          || Character.isWhitespace(c));
    };
  }

  // ---------------------------------------------------------------- comments

  private boolean startsComment(char c) {
    return switch (c) {
      case '-' -> charAt(pos + 1) == '-'
          && (dialect != SqlDialect.MYSQL || mysqlDashCommentFollows());
      case '/' -> charAt(pos + 1) == '*' || (charAt(pos + 1) == '/' && dialect == SqlDialect.H2);
      case '#' -> dialect == SqlDialect.MYSQL;
      default -> false;
    };
  }

  private boolean mysqlDashCommentFollows() {
    if (pos + 2 >= length) {
      return true;
    }
    char after = sql.charAt(pos + 2);
    return after <= ' ' || after == 127;
  }

  private void comment(char c) {
    if (c == '/' && charAt(pos + 1) == '*') {
      blockComment();
    } else {
      // PostgreSQL and H2 end a line comment at CR or LF; MySQL and MariaDB at LF only, so a CR
      // inside a MySQL comment must not let what follows it count as SQL.
      boolean crEnds = dialect != SqlDialect.MYSQL;
      while (pos < length && sql.charAt(pos) != '\n' && !(crEnds && sql.charAt(pos) == '\r')) {
        pos++;
      }
    }
  }

  private void blockComment() {
    int start = pos;
    if (dialect == SqlDialect.MYSQL
        && (charAt(pos + 2) == '!' || (charAt(pos + 2) == 'M' && charAt(pos + 3) == '!'))) {
      problem(
          ReasonCode.EXECUTABLE_COMMENT,
          "the text holds an executable comment ('/*!' or '/*M!'), whose body MySQL or MariaDB runs");
    }
    if (dialect == SqlDialect.MYSQL && charAt(pos + 2) == '+') {
      int end = sql.indexOf("*/", pos + 3);
      String hint = sql.substring(pos + 3, end < 0 ? length : end).toUpperCase(java.util.Locale.ROOT);
      if (hint.contains("SET_VAR")) {
        problem(ReasonCode.EXECUTABLE_COMMENT, "the optimizer hint SET_VAR(…) changes a variable of"
            + " the session for the statement");
      }
    }
    boolean nests = dialect != SqlDialect.MYSQL;
    int level = 0;
    while (pos < length) {
      if (sql.startsWith("/*", pos)) {
        if (level == 0 || nests) {
          level++;
        }
        pos += 2;
      } else if (sql.startsWith("*/", pos)) {
        level--;
        pos += 2;
        if (level == 0) {
          return;
        }
      } else {
        pos++;
      }
    }
    problem(
        ReasonCode.SQL_UNTERMINATED,
        "the block comment starting at offset " + start + " is never closed");
  }

  // ---------------------------------------------------------------- tokens

  private void token(char c) {
    int start = pos;
    if (c == '\'') {
      string(start, pos + 1, backslashEscapes());
    } else if (c == '"') {
      if (dialect == SqlDialect.MYSQL && !reading.ansiQuotes()) {
        quoted(start, pos + 1, '"', reading.backslashEscapes(), Kind.STRING);
      } else {
        quoted(start, pos + 1, '"', false, Kind.QUOTED_IDENTIFIER);
      }
    } else if (c == '`' && dialect != SqlDialect.POSTGRESQL) {
      quoted(start, pos + 1, '`', false, Kind.QUOTED_IDENTIFIER);
    } else if (c == '$' && dialect != SqlDialect.MYSQL && dollarQuote(start)) {
      return;
    } else if (c == '$' && isDigit(charAt(pos + 1))) {
      pos++;
      while (isDigit(charAt(pos))) {
        pos++;
      }
      add(Kind.PARAMETER, sql.substring(start, pos), start);
    } else if (c == '?' && dialect == SqlDialect.H2 && isDigit(charAt(pos + 1))) {
      pos++;
      while (isDigit(charAt(pos))) {
        pos++;
      }
      add(Kind.PARAMETER, sql.substring(start, pos), start);
    } else if (c == '@' && dialect != SqlDialect.POSTGRESQL && isVariableStart(charAt(pos + 1))) {
      variable(start);
    } else if (isDigit(c) || (c == '.' && isDigit(charAt(pos + 1)))) {
      number(start);
    } else if (isWordStart(c)) {
      word(start);
    } else if (c == 0) {
      // PostgreSQL ends a query string at NUL; whatever follows is not seen as SQL
      problem(ReasonCode.SUSPICIOUS_CHARACTER, "the text holds a NUL character");
      pos = length;
    } else if (c < ' ' || c == 127) {
      pos++;
      problem(
          ReasonCode.SUSPICIOUS_CHARACTER,
          String.format("the text holds the control character U+%04X", (int) c));
    } else {
      operator(start);
    }
  }

  private boolean backslashEscapes() {
    return reading.backslashEscapes();
  }

  private void word(int start) {
    pos++;
    while (pos < length && isWordPart(sql.charAt(pos))) {
      pos++;
    }
    String text = sql.substring(start, pos);
    char next = charAt(pos);
    if (next == '\'' && text.length() == 1) {
      char prefix = Character.toUpperCase(text.charAt(0));
      if (prefix == 'E' && dialect == SqlDialect.POSTGRESQL) {
        string(start, pos + 1, true);
        continuedEscapeString(start);
        return;
      }
      if (prefix == 'N' || prefix == 'X' || prefix == 'B') {
        string(start, pos + 1, backslashEscapes());
        return;
      }
    }
    if (text.length() == 1
        && Character.toUpperCase(text.charAt(0)) == 'U'
        && next == '&'
        && dialect != SqlDialect.MYSQL) {
      char quote = charAt(pos + 1);
      if (quote == '\'' || quote == '"') {
        int before = tokens.size();
        quoted(start, pos + 2, quote, false,
            quote == '"' ? Kind.QUOTED_IDENTIFIER : Kind.STRING);
        if (tokens.size() > before) {
          Token literal = tokens.remove(tokens.size() - 1);
          tokens.add(new Token(literal.kind(), unicodeEscapes(literal.text(), start),
              literal.start(), literal.end(), literal.spaceBefore()));
        }
        return;
      }
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch > 127 && !Character.isLetterOrDigit(ch)) {
        problem(
            ReasonCode.SUSPICIOUS_CHARACTER,
            String.format(
                "the name '%s' holds the character U+%04X, which the server reads as part of"
                    + " the name",
                text, (int) ch));
        break;
      }
    }
    add(Kind.WORD, text, start);
  }

  private void variable(int start) {
    pos++;
    if (charAt(pos) == '@') {
      pos++;
    }
    char c = charAt(pos);
    if (c == '\'' || c == '"' || c == '`') {
      int open = pos;
      int before = tokens.size();
      quoted(open, pos + 1, c, c != '`' && backslashEscapes(), Kind.QUOTED_IDENTIFIER);
      if (tokens.size() == before) {
        return; // unterminated: the problem is recorded
      }
      Token quoted = tokens.remove(tokens.size() - 1);
      add(Kind.WORD, sql.substring(start, open) + quoted.text(), start);
      return;
    }
    while (pos < length && (isWordPart(sql.charAt(pos)) || sql.charAt(pos) == '.')) {
      pos++;
    }
    add(Kind.WORD, sql.substring(start, pos), start);
  }

  private void number(int start) {
    if (sql.charAt(pos) == '0' && (charAt(pos + 1) == 'x' || charAt(pos + 1) == 'X')
        && isHexDigit(charAt(pos + 2))) {
      pos += 2;
      while (isHexDigit(charAt(pos))) {
        pos++;
      }
    } else {
      while (isDigit(charAt(pos))) {
        pos++;
      }
      if (charAt(pos) == '.' && charAt(pos + 1) != '.') {
        pos++;
        while (isDigit(charAt(pos))) {
          pos++;
        }
      }
      char e = charAt(pos);
      if ((e == 'e' || e == 'E')
          && (isDigit(charAt(pos + 1))
              || ((charAt(pos + 1) == '+' || charAt(pos + 1) == '-') && isDigit(charAt(pos + 2))))) {
        pos += 2;
        while (isDigit(charAt(pos))) {
          pos++;
        }
      }
    }
    if (dialect == SqlDialect.MYSQL && pos < length && isWordPart(sql.charAt(pos))) {
      // MySQL reads "1abc" as one identifier
      while (pos < length && isWordPart(sql.charAt(pos))) {
        pos++;
      }
      add(Kind.WORD, sql.substring(start, pos), start);
      return;
    }
    // the number's text is cut from the statement only if someone asks for it
    tokens.add(new Token(Kind.NUMBER, sql, start, start - statementStart, pos - statementStart,
        spaceBefore));
  }

  private void operator(int start) {
    char c = sql.charAt(pos);
    if (c == '(') {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
    } else if (c == ')') {
      depth = Math.max(0, depth - 1);
    }
    if ("<-#!~>|:&@?^=".indexOf(c) < 0 // no operator of more than one character starts so
        || "<>=!~-|&#@?^*:/".indexOf(charAt(pos + 1)) < 0) { // or continues so
      pos++;
      add(Kind.OPERATOR, c < 128 ? ONE_CHARACTER[c] : String.valueOf(c), start);
      return;
    }
    for (String op : OPERATORS) {
      if (sql.startsWith(op, pos) && !commentInside(op)) {
        pos += op.length();
        add(Kind.OPERATOR, op, start);
        return;
      }
    }
    pos++;
    add(Kind.OPERATOR, String.valueOf(c), start);
  }

  /** An operator never swallows the start of a comment ("*--" is "*" and a comment). */
  private boolean commentInside(String op) {
    for (int i = 1; i < op.length(); i++) {
      int saved = pos;
      pos = saved + i;
      boolean comment = startsComment(sql.charAt(pos));
      pos = saved;
      if (comment) {
        return true;
      }
    }
    return false;
  }

  /**
   * PostgreSQL continues a string across whitespace that holds a newline ({@code E'a'⏎'b'} is
   * {@code E'ab'}), and the continuation keeps the escapes of an {@code E''} string: {@code \\'}
   * in it does not end it. Merges such continuations into the token just read.
   */
  private void continuedEscapeString(int start) {
    while (!tokens.isEmpty() && tokens.get(tokens.size() - 1).kind() == Kind.STRING) {
      // PostgreSQL's whitespace_with_newline: spaces, tabs, form and vertical feeds and -- comments,
      // with at least one newline among them (a -- comment ends at one)
      int i = pos;
      boolean newline = false;
      while (i < length) {
        char c = sql.charAt(i);
        if (c == '\n' || c == '\r') {
          newline = true;
          i++;
        } else if (c == ' ' || c == '\t' || c == '\f' || c == '\u000B') {
          i++;
        } else if (c == '-' && charAt(i + 1) == '-') {
          while (i < length && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
            i++;
          }
        } else {
          break;
        }
      }
      if (!newline || charAt(i) != '\'') {
        return;
      }
      Token first = tokens.remove(tokens.size() - 1);
      int before = tokens.size();
      pos = i;
      quoted(start, i + 1, '\'', true, Kind.STRING);
      if (tokens.size() == before) {
        return; // unterminated: the problem is recorded
      }
      Token rest = tokens.remove(tokens.size() - 1);
      tokens.add(new Token(Kind.STRING, first.text() + rest.text(), first.start(), rest.end(),
          first.spaceBefore()));
    }
  }

  private void string(int start, int from, boolean escapes) {
    quoted(start, from, '\'', escapes, Kind.STRING);
  }

  private void quoted(int start, int from, char quote, boolean escapes, Kind kind) {
    int close = from;
    while (close < length) {
      char c = sql.charAt(close);
      if (c == quote || c == 0 || (escapes && c == '\\')) {
        break;
      }
      close++;
    }
    if (close < length && sql.charAt(close) == quote && charAt(close + 1) != quote) {
      pos = close + 1; // the common case: nothing to unescape
      add(kind, sql.substring(from, close), start);
      return;
    }
    StringBuilder value = new StringBuilder();
    int i = from;
    while (i < length) {
      char c = sql.charAt(i);
      if (escapes && c == '\\') {
        if (i + 1 >= length) {
          break;
        }
        i = dialect == SqlDialect.POSTGRESQL ? postgresEscape(i, value) : mysqlEscape(i, value);
      } else if (c == quote) {
        if (charAt(i + 1) == quote) {
          value.append(quote);
          i += 2;
        } else {
          pos = i + 1;
          add(kind, value.toString(), start);
          return;
        }
      } else {
        if (c == 0) {
          problem(ReasonCode.SUSPICIOUS_CHARACTER, "the text holds a NUL character");
        }
        value.append(c);
        i++;
      }
    }
    pos = length;
    problem(
        ReasonCode.SQL_UNTERMINATED,
        "the "
            + (kind == Kind.STRING ? "string" : "quoted name")
            + " starting at offset "
            + start
            + " is never closed");
  }

  private int mysqlEscape(int i, StringBuilder value) {
    value.append(unescape(sql.charAt(i + 1)));
    return i + 2;
  }

  /** A PostgreSQL {@code E''} escape at {@code i}: octal, {@code \\x}, {@code \\u}, {@code \\U}. */
  private int postgresEscape(int i, StringBuilder value) {
    char c = sql.charAt(i + 1);
    int digits;
    int radix;
    int from = i + 2;
    if (c >= '0' && c <= '7') {
      digits = 3;
      radix = 8;
      from = i + 1;
    } else if (c == 'x') {
      digits = 2;
      radix = 16;
    } else if (c == 'u') {
      digits = 4;
      radix = 16;
    } else if (c == 'U') {
      digits = 8;
      radix = 16;
    } else {
      value.append(unescape(c));
      return i + 2;
    }
    int end = from;
    while (end < length && end - from < digits && Character.digit(sql.charAt(end), radix) >= 0) {
      end++;
    }
    if (end == from) {
      value.append(c);
      return i + 2;
    }
    int code = Integer.parseInt(sql.substring(from, end), radix);
    if (code == 0 || !Character.isValidCodePoint(code)) {
      problem(ReasonCode.SUSPICIOUS_CHARACTER, "an escape in a string gives the code " + code);
    } else {
      value.appendCodePoint(code);
    }
    return end;
  }

  /**
   * Resolves the escapes of a {@code U&''} string or {@code U&""} name ({@code \\XXXX},
   * {@code \\+XXXXXX}, {@code \\\\}); a custom escape character ({@code UESCAPE}) is not read.
   */
  private String unicodeEscapes(String raw, int start) {
    int after = pos;
    while (after < length && isWhitespace(sql.charAt(after))) {
      after++;
    }
    if (sql.regionMatches(true, after, "UESCAPE", 0, 7)) {
      problem(ReasonCode.SUSPICIOUS_CHARACTER, "the Unicode literal at offset " + start
          + " sets its own escape character with UESCAPE, which Airlock does not read");
      return raw;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (i + 1 < raw.length() && raw.charAt(i + 1) == '\\') {
        out.append('\\');
        i++;
        continue;
      }
      boolean plus = i + 1 < raw.length() && raw.charAt(i + 1) == '+';
      int from = i + (plus ? 2 : 1);
      int to = from + (plus ? 6 : 4);
      Integer code = to <= raw.length() ? hex(raw.substring(from, to)) : null;
      if (code == null || code == 0 || !Character.isValidCodePoint(code)) {
        problem(ReasonCode.SUSPICIOUS_CHARACTER,
            "the Unicode literal at offset " + start + " has an invalid escape");
        return raw;
      }
      out.appendCodePoint(code);
      i = to - 1;
    }
    return out.toString();
  }

  private static Integer hex(String digits) {
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), 16) < 0) {
        return null;
      }
    }
    return Integer.parseInt(digits, 16);
  }

  private static char unescape(char c) {
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case 'b' -> '\b';
      case '0' -> '\0';
      case 'Z' -> '\u001A';
      default -> c;
    };
  }

  /** A PostgreSQL {@code $tag$…$tag$} or an H2 {@code $$…$$} string; false if {@code $} is not one. */
  private boolean dollarQuote(int start) {
    int i = pos + 1;
    if (dialect == SqlDialect.POSTGRESQL) {
      if (i < length && isTagStart(sql.charAt(i))) {
        i++;
        while (i < length && isTagPart(sql.charAt(i))) {
          i++;
        }
      }
    }
    if (charAt(i) != '$') {
      return false;
    }
    String tag = sql.substring(pos, i + 1);
    int close = sql.indexOf(tag, i + 1);
    if (close < 0) {
      pos = length;
      problem(
          ReasonCode.SQL_UNTERMINATED,
          "the dollar-quoted string starting at offset " + start + " is never closed");
      return true;
    }
    String body = sql.substring(i + 1, close);
    pos = close + tag.length();
    add(Kind.STRING, body, start);
    spaceBefore = false;
    return true;
  }

  private void add(Kind kind, String text, int start) {
    tokens.add(new Token(kind, text, start - statementStart, pos - statementStart, spaceBefore));
  }

  private void problem(ReasonCode code, String message) {
    Problem problem = new Problem(code, message);
    if (!problems.contains(problem)) {
      problems.add(problem);
    }
  }

  private char charAt(int i) {
    return i < length ? sql.charAt(i) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || (c == '$' && dialect == SqlDialect.MYSQL)
        || (c > 127 && !isWhitespace(c));
  }

  private boolean isWordPart(char c) {
    if (c < 128) {
      return ASCII_WORD_PART[c];
    }
    return !isWhitespace(c);
  }

  private static final boolean[] ASCII_WORD_PART = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII_WORD_PART[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
          || (c >= '0' && c <= '9') || c == '$';
    }
  }

  private boolean isVariableStart(char c) {
    return c == '@' || c == '\'' || c == '"' || c == '`' || isWordPart(c);
  }

  private static boolean isTagStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c > 127;
  }

  private static boolean isTagPart(char c) {
    return isTagStart(c) || isDigit(c);
  }
}
