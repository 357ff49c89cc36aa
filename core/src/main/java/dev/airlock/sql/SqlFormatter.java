package dev.airlock.sql;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Re-flows SQL text for a person to read, from the pre-scan's tokens: each statement on lines of
 * its own, major clauses on new lines, sub-queries indented. Only whitespace between tokens
 * changes: every token is written as it stands in the text (string literals, quoted names and
 * dollar-quoted bodies byte for byte), every comment verbatim on a line of its own, and whatever
 * the pre-scan could not read (an unterminated literal, a control character, the rest of a text
 * after a NUL) verbatim under a marker line. A MySQL executable comment and optimizer hint get a
 * marker line too, because MySQL acts on what they hold.
 *
 * <p>Stateful; one instance per text.
 */
final class SqlFormatter {

  /** Longer texts are returned unchanged: a person reads the exact text of such a one anyway. */
  static final int MAX_LENGTH = 100_000;
  /** Texts nested deeper are returned unchanged. */
  static final int MAX_NESTING = 64;

  /** The line before a MySQL executable comment ({@code /*!} or {@code /*M!}). */
  static final String EXECUTABLE_MARKER =
      "-- [!] MySQL runs the text inside the next comment as SQL:";
  /** The line before a MySQL optimizer hint ({@code /*+}). */
  static final String HINT_MARKER =
      "-- [!] optimizer hint: MySQL reads the next comment, it may change settings:";
  /** The line before text the pre-scan could not read. */
  static final String UNREAD_MARKER =
      "-- [!] Airlock could not read the next text as SQL; it is shown exactly as written:";

  private static final String INDENT = "  ";

  private static final Set<String> SUBQUERY_STARTS =
      Set.of("SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE");
  private static final Set<String> ALWAYS_BREAK =
      Set.of("WHERE", "HAVING", "LIMIT", "OFFSET", "RETURNING", "UNION", "INTERSECT",
          "EXCEPT");
  private static final Set<String> JOIN_WORDS =
      Set.of("LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL", "OUTER");
  private static final Set<String> WRITES = Set.of("INSERT", "UPDATE", "DELETE", "MERGE");

  private final String sql;
  private final SqlDialect dialect;
  private final StringBuilder out;
  private final List<Token> tokens = new ArrayList<>();
  private final List<Integer> offsets = new ArrayList<>();

  /** Whether the current output line holds text a token may follow on the same line. */
  private boolean lineOpen;
  /** Where the formatter itself last ended a line. */
  private int addedNewlineAt = -1;
  private int lineLevel;
  private boolean blankLinePending;
  private Deque<Frame> frames = new ArrayDeque<>();

  /** A parenthesis, or a statement: where clause keywords start lines and how deep they are. */
  private static final class Frame {
    final boolean query;
    final int level;
    final int closeLevel;
    String clause = "";
    boolean between;
    boolean sawUpdate;
    int caseDepth;

    Frame(boolean query, int level, int closeLevel) {
      this.query = query;
      this.level = level;
      this.closeLevel = closeLevel;
    }
  }

  private SqlFormatter(String sql, SqlDialect dialect) {
    this.sql = sql;
    this.dialect = dialect;
    this.out = new StringBuilder(sql.length() + sql.length() / 4 + 16);
  }

  /**
   * The text re-flowed, or the text itself when it is longer than {@link #MAX_LENGTH}, nested
   * deeper than {@link #MAX_NESTING}, or cannot be re-flowed; never throws.
   *
   * @throws NullPointerException if {@code sql} is null
   */
  static String format(String sql, SqlDialect dialect) {
    if (sql.length() > MAX_LENGTH) {
      return sql;
    }
    try {
      return reflow(sql, dialect);
    } catch (RuntimeException | StackOverflowError e) {
      return sql; // unchanged is always a faithful view
    }
  }

  /** {@link #format} without its length limit and without its safety net, for tests. */
  static String reflow(String sql, SqlDialect dialect) {
    return new SqlFormatter(sql, dialect).run();
  }

  private String run() {
    Lexer.Layout layout = Lexer.layout(sql, dialect);
    for (Lexer.Statement statement : layout.statements()) {
      if (statement.maxDepth() > MAX_NESTING) {
        return sql;
      }
      for (Token token : statement.tokens()) {
        tokens.add(token);
        offsets.add(statement.start() + token.start());
      }
    }
    List<Lexer.Mark> marks = layout.marks();
    newStatement();
    int cursor = 0;
    int t = 0;
    int m = 0;
    while (t < tokens.size() || m < marks.size()) {
      boolean tokenFirst = m >= marks.size()
          || t < tokens.size() && offsets.get(t) < marks.get(m).start();
      int start = tokenFirst ? offsets.get(t) : marks.get(m).start();
      boolean spaced = unread(cursor, start);
      if (tokenFirst) {
        Token token = tokens.get(t);
        token(t, spaced);
        cursor = offsets.get(t) + token.end() - token.start();
        t++;
      } else {
        Lexer.Mark mark = marks.get(m);
        if (mark.separator()) {
          separator();
        } else {
          comment(sql.substring(mark.start(), mark.end()));
        }
        cursor = mark.end();
        m++;
      }
    }
    unread(cursor, sql.length());
    endLine();
    if (out.length() > 0 && addedNewlineAt == out.length() - 1) {
      out.setLength(out.length() - 1); // a verbatim comment's own line end stays
    }
    return out.toString();
  }

  /**
   * Writes what stands between two pieces the pre-scan read, if it is more than whitespace.
   *
   * @return whether anything at all (whitespace included) stands there
   */
  private boolean unread(int from, int to) {
    int start = from;
    int end = to;
    while (start < end && isSpace(sql.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(sql.charAt(end - 1))) {
      end--;
    }
    if (start < end) {
      ownLine(UNREAD_MARKER);
      ownLine(sql.substring(start, end));
    }
    return to > from;
  }

  private static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private void separator() {
    if (lineOpen) {
      out.append(';');
    } else {
      ownLine(";");
    }
    endLine();
    blankLinePending = true;
    newStatement();
  }

  private void newStatement() {
    frames = new ArrayDeque<>();
    frames.push(new Frame(true, 0, 0));
    lineLevel = 0;
  }

  private void comment(String text) {
    if (dialect == SqlDialect.MYSQL && (text.startsWith("/*!") || text.startsWith("/*M!"))) {
      ownLine(EXECUTABLE_MARKER);
    } else if (dialect == SqlDialect.MYSQL && text.startsWith("/*+")) {
      ownLine(HINT_MARKER);
    }
    ownLine(text);
  }

  /** Writes text on a line of its own, indented as a continuation of the line it interrupts. */
  private void ownLine(String text) {
    int level = lineOpen ? lineLevel + 1 : lineLevel;
    startLine(level);
    out.append(text);
    endLine();
    lineLevel = level;
  }

  private void startLine(int level) {
    endLine();
    if (blankLinePending && out.length() > 0) {
      out.append('\n');
    }
    blankLinePending = false;
    for (int i = 0; i < level; i++) {
      out.append(INDENT);
    }
    lineLevel = level;
  }

  private void endLine() {
    if (lineOpen || out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
      addedNewlineAt = out.length() - 1;
    }
    lineOpen = false;
  }

  private void token(int index, boolean spaced) {
    Token token = tokens.get(index);
    int start = offsets.get(index);
    String text = sql.substring(start, start + token.end() - token.start());
    Frame frame = frames.peek();
    if (spaced && token.kind() == Token.Kind.STRING && index > 0
        && tokens.get(index - 1).kind() == Token.Kind.STRING && lineBreakBefore(start)) {
      // 'a'⏎'b' is one string to PostgreSQL, 'a' 'b' an error: keep the line break
      write(text, true, lineLevel);
      return;
    }
    if (token.isOperator("(")) {
      boolean subquery = isSubqueryStart(next(index, 1));
      write(text, spaced, -1);
      frames.push(subquery ? new Frame(true, lineLevel + 1, lineLevel)
          : new Frame(false, frame.level, lineLevel));
      if (subquery) {
        endLine();
        lineLevel = lineLevel + 1;
      }
      return;
    }
    if (token.isOperator(")")) {
      if (frames.size() > 1) {
        frames.pop();
        if (frame.query) {
          write(text, spaced, frame.closeLevel);
          return;
        }
      }
      write(text, spaced, -1);
      return;
    }
    write(text, spaced, frame.query && frame.caseDepth == 0 ? breakLevel(index, frame) : -1);
    String word = token.keyword();
    if ("CASE".equals(word)) {
      frame.caseDepth++; // no clause starts a line inside CASE … END
    } else if ("END".equals(word) && frame.caseDepth > 0) {
      frame.caseDepth--;
    }
  }

  /** Writes a token, on a new line at {@code breakLevel} when that is not negative. */
  private void write(String text, boolean spaced, int breakLevel) {
    if (breakLevel >= 0) {
      startLine(breakLevel);
    } else if (!lineOpen) {
      startLine(lineLevel);
    } else if (spaced || text.startsWith("-") && out.charAt(out.length() - 1) == '-') {
      // MySQL reads 1--2 as 1 - -2; written 1- -2 it cannot pass for a comment
      out.append(' ');
    }
    out.append(text);
    lineOpen = true;
  }

  /** The level of the new line a word starts in a query, or -1 when it continues the line. */
  private int breakLevel(int index, Frame frame) {
    Token token = tokens.get(index);
    String word = token.keyword();
    if (word == null) {
      return -1;
    }
    if (index > 0 && tokens.get(index - 1).isOperator(".")
        || index + 1 < tokens.size() && tokens.get(index + 1).isOperator(".")) {
      return -1; // t.order, from.x: a name, not a keyword
    }
    String previous = keywordAt(index - 1);
    if (word.equals("BETWEEN")) {
      frame.between = true; // its AND is not a condition of the WHERE
    } else if (word.equals("UPDATE")) {
      frame.sawUpdate = true;
    }
    if ((word.equals("AND") || word.equals("OR"))
        && (frame.clause.equals("WHERE") || frame.clause.equals("HAVING"))) {
      if (word.equals("AND") && frame.between) {
        frame.between = false;
        return -1;
      }
      return frame.level + 1;
    }
    boolean breaks;
    if (word.equals("SELECT")) {
      // GRANT SELECT, UPDATE ON …; CREATE POLICY … FOR SELECT
      breaks = !"GRANT".equals(previous) && !"REVOKE".equals(previous) && !"FOR".equals(previous)
          && !(index > 0 && tokens.get(index - 1).isOperator(","));
    } else if (ALWAYS_BREAK.contains(word)) {
      breaks = true;
    } else if (WRITES.contains(word)) {
      breaks = index > 0 && tokens.get(index - 1).isOperator(")");
    } else {
      breaks = switch (word) {
        case "FROM" -> !"DISTINCT".equals(previous) && !"DELETE".equals(previous);
        case "GROUP", "ORDER" -> "BY".equals(keywordAt(index + 1));
        // not DEFAULT VALUES, nor MySQL's VALUES(col) function after = or ,
        case "VALUES" -> !"DEFAULT".equals(previous) && (index == 0
            || tokens.get(index - 1).kind() != Token.Kind.OPERATOR
            || tokens.get(index - 1).isOperator(")"));
        case "SET" -> frame.sawUpdate;
        case "ON" -> "CONFLICT".equals(keywordAt(index + 1))
            || "DUPLICATE".equals(keywordAt(index + 1));
        case "JOIN" -> !isJoinWord(previous);
        default -> isJoinWord(word) && !isJoinWord(previous) && joinFollows(index);
      };
    }
    if (!breaks) {
      return -1;
    }
    frame.between = false;
    frame.clause = word;
    return frame.level;
  }

  /** Whether the join words at {@code index} lead to JOIN ({@code LEFT OUTER JOIN}). */
  private boolean joinFollows(int index) {
    for (int i = index + 1; i < tokens.size() && i <= index + 3; i++) {
      String word = keywordAt(i);
      if ("JOIN".equals(word)) {
        return true;
      }
      if (!isJoinWord(word)) {
        return false;
      }
    }
    return false;
  }

  private boolean lineBreakBefore(int start) {
    for (int i = start - 1; i >= 0 && isSpace(sql.charAt(i)); i--) {
      if (sql.charAt(i) == '\n' || sql.charAt(i) == '\r') {
        return true;
      }
    }
    return false;
  }

  private static boolean isJoinWord(String word) {
    return word != null && JOIN_WORDS.contains(word); // Set.of refuses to look for null
  }

  private boolean isSubqueryStart(Token token) {
    return token != null && token.keyword() != null && SUBQUERY_STARTS.contains(token.keyword());
  }

  private Token next(int index, int ahead) {
    int i = index + ahead;
    return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
  }

  private String keywordAt(int index) {
    Token token = next(index, 0);
    return token == null ? null : token.keyword();
  }

}
