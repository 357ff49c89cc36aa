package dev.airlock.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * A SQL text with its JDBC bind parameters written in as literals, for the analysis only: {@code
 * DELETE FROM t WHERE ? = ?} bound to {@code 1, 1} is read as {@code DELETE FROM t WHERE 1 = 1},
 * an always-true predicate. The statement that runs still binds the parameters.
 */
final class BoundText {
  private BoundText() {}

  /**
   * The text with each {@code ?} placeholder (outside literals, identifiers and comments) replaced
   * by the literal of its parameter.
   *
   * @throws IllegalArgumentException if the placeholders and parameters do not match in number,
   *     or a parameter is not a string, number, boolean or null
   */
  static String of(String sql, SqlDialect dialect, List<?> parameters) {
    StringBuilder out = new StringBuilder(sql.length() + 16 * parameters.size());
    int copied = 0;
    int used = 0;
    for (Lexer.Statement statement : Lexer.scan(sql, dialect)) {
      List<Token> tokens = statement.tokens();
      for (int i = 0; i < tokens.size(); i++) {
        Token token = tokens.get(i);
        if (token.kind() == Token.Kind.PARAMETER) {
          throw new IllegalArgumentException("the statement mixes bind parameters with the"
              + " placeholder " + token.text() + "; use only ? placeholders");
        }
        if (token.kind() != Token.Kind.OPERATOR || !token.text().contains("?")) {
          continue;
        }
        if (!token.text().equals("?") || touchesQuestionMark(tokens, i)) {
          // pgjdbc reads ?? as the operator ?, and a driver may take the ? of ?| for a placeholder
          throw new IllegalArgumentException("the operator " + token.text() + " beside bind"
              + " parameters is read differently by JDBC drivers; rewrite it as a function call");
        }
        if (used == parameters.size()) {
          throw new IllegalArgumentException("the statement has more ? placeholders than the "
              + parameters.size() + " bind parameters given");
        }
        int at = statement.start() + token.start();
        out.append(sql, copied, at).append(' ')
            .append(literal(parameters.get(used), used + 1, dialect)).append(' ');
        copied = at + 1;
        used++;
      }
    }
    if (used != parameters.size()) {
      throw new IllegalArgumentException("the statement has " + used + " ? placeholders, but "
          + parameters.size() + " bind parameters were given");
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** Whether a ? token is glued to another ? (pgjdbc's ?? escape). */
  private static boolean touchesQuestionMark(List<Token> tokens, int i) {
    Token token = tokens.get(i);
    boolean next = i + 1 < tokens.size() && !tokens.get(i + 1).spaceBefore()
        && tokens.get(i + 1).text().startsWith("?");
    boolean previous = i > 0 && !token.spaceBefore() && tokens.get(i - 1).text().endsWith("?");
    return next || previous;
  }

  private static String literal(Object value, int position, SqlDialect dialect) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Boolean b) {
      return b ? "TRUE" : "FALSE";
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      return signed(value.toString());
    }
    if (value instanceof BigDecimal decimal) {
      return signed(decimal.toPlainString());
    }
    if ((value instanceof Double || value instanceof Float)
        && Double.isFinite(((Number) value).doubleValue())) {
      return signed(value.toString());
    }
    if (value instanceof String text) {
      String quoted = text.replace("'", "''");
      if (dialect == SqlDialect.MYSQL) {
        quoted = quoted.replace("\\", "\\\\");
      }
      return "'" + quoted + "'";
    }
    throw new IllegalArgumentException("bind parameter " + position + " is a "
        + value.getClass().getName() + "; bind strings, numbers, booleans or null");
  }

  /** A negative number in parentheses, so that {@code x-?} never becomes a {@code --} comment. */
  private static String signed(String number) {
    return number.startsWith("-") ? "(" + number + ")" : number;
  }
}
