package dev.airlock.sql;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the pre-scan's tokens back as a text JSqlParser reads exactly as the server reads the
 * original: no comments, one space between tokens, every literal in plain standard quoting, and
 * literals or quoted names holding anything but plain printable ASCII replaced by neutral
 * placeholders (equal values get equal placeholders, so {@code 'é' = 'é'} stays a tautology). So
 * the dialect's quoting, escape and comment rules never reach JSqlParser's own lexer.
 */
final class ParserText {

  private ParserText() {}

  static String of(List<Token> tokens, SqlDialect dialect) {
    tokens = withoutUnparsedClauses(tokens, dialect);
    StringBuilder text = new StringBuilder();
    Map<String, String> placeholders = new HashMap<>();
    Token previous = null;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      if (dialect == SqlDialect.MYSQL && isCharsetIntroducer(token, tokens, i)) {
        continue; // _utf8mb4'text' is the string 'text'
      }
      if (previous != null && !previous.isOperator(".") && !token.isOperator(".")) {
        text.append(' ');
      }
      String spelled = respelled(tokens, i, dialect);
      if (spelled != null) {
        text.append(spelled);
        previous = token;
        continue;
      }
      switch (token.kind()) {
        case STRING -> quote(text, token.text(), '\'', "airlock_s", placeholders);
        case QUOTED_IDENTIFIER -> quote(text, token.text(), '"', "airlock_q", placeholders);
        case PARAMETER -> text.append('?');
        default -> text.append(token.text());
      }
      previous = token;
    }
    return text.toString();
  }

  /** Names the servers accept after AS that JSqlParser reserves; quoted for the parser. */
  private static final java.util.Set<String> ALIAS_WORDS = java.util.Set.of("WINDOW", "EXISTS",
      "ERRORS", "CURRENT", "ONLY", "STATEMENT", "RETURNS", "OPEN", "CLOSE", "ACTION", "LEVEL",
      "STATUS", "DATA", "VALUE", "VALUES", "TYPE", "KEY", "NAME", "COMMENT", "SOURCE", "TEXT");

  /**
   * A spelling JSqlParser reads where the original is one it does not, with the same effect:
   * MySQL's {@code &&}, {@code ||} (OR in the default sql_mode), infix {@code MOD} and {@code SOUNDS
   * LIKE}; PostgreSQL's {@code @?} JSON path operator; a reserved word used as an alias after AS.
   * Returns null to write the token as it is.
   */
  private static String respelled(List<Token> tokens, int i, SqlDialect dialect) {
    Token token = tokens.get(i);
    Token before = i > 0 ? tokens.get(i - 1) : null;
    Token after = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
    if (dialect == SqlDialect.MYSQL) {
      if (token.isOperator("&&")) {
        return "AND";
      }
      if (token.isOperator("||")) {
        return "OR";
      }
      if (token.isWord("MOD") && (after == null || !after.isOperator("("))) {
        return "%";
      }
      if (token.isWord("SOUNDS") && after != null && after.isWord("LIKE")) {
        return "";
      }
      if (token.isWord("BINARY") && before != null && after != null
          && after.kind() != Token.Kind.OPERATOR
          && (before.isWord("WHERE") || before.isWord("AND") || before.isWord("OR")
              || before.isWord("NOT") || before.isWord("SELECT") || before.isWord("ON")
              || before.isOperator("=") || before.isOperator("("))) {
        return ""; // BINARY x compares bytes; what the statement does is the same
      }
    }
    if (token.kind() == Token.Kind.WORD && NAME_WORDS.contains(token.keyword())
        && isNamePosition(before, after)) {
      return "\"" + token.text() + "\""; // settings, key, value…: plain names to the servers
    }
    if (token.kind() == Token.Kind.WORD && before != null && before.isOperator(")")
        && ALIAS_WORDS.contains(token.keyword())
        && (after == null || after.isWord("FROM") || after.isOperator(","))) {
      return "\"" + token.text() + "\""; // count(*) errors FROM …: an alias without AS
    }
    if (dialect == SqlDialect.POSTGRESQL && token.isOperator("@?")) {
      return "@>";
    }
    if (token.kind() == Token.Kind.WORD && before != null && before.isWord("AS")
        && ALIAS_WORDS.contains(token.keyword()) && !isCastType(tokens, i)
        && (after == null || !after.isOperator("("))) {
      return "\"" + token.text() + "\"";
    }
    return null;
  }

  /** JSqlParser keywords that the servers read as plain names where a name stands. */
  private static final java.util.Set<String> NAME_WORDS = java.util.Set.of("SETTINGS", "KEY",
      "VALUE", "TYPE", "STATUS", "LEVEL", "DATE", "TIME", "ERRORS", "NAME", "DATA", "SOURCE",
      "TEXT", "COMMENT", "ACTION");

  private static final java.util.Set<String> BEFORE_NAME = java.util.Set.of(".", "(", ",",
      "SELECT", "FROM", "JOIN", "WHERE", "AND", "OR", "ON", "BY", "=", "<>", "!=", "<", ">", "<=",
      ">=", "+", "-", "*", "/", "||");

  private static final java.util.Set<String> AFTER_NAME = java.util.Set.of(".", ",", ")",
      "FROM", "AS", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "=", "<>", "!=", "<", ">", "<=",
      ">=", "+", "-", "*", "/", "||", "->", "->>", "#>", "#>>", "@>", "<@", "IS", "IN", "LIKE",
      "ILIKE", "DESC", "ASC");

  /**
   * Whether a word stands where only a name can: after a separator or operator and before one,
   * never before a string ({@code DATE '2024-01-01'}) or a parenthesis (a function).
   */
  private static boolean isNamePosition(Token before, Token after) {
    if (before == null || after != null
        && (after.kind() == Token.Kind.STRING || after.isOperator("("))) {
      return false;
    }
    String b = before.kind() == Token.Kind.WORD ? before.keyword() : before.text();
    if (before.kind() != Token.Kind.WORD && before.kind() != Token.Kind.OPERATOR
        || !BEFORE_NAME.contains(b)) {
      return false;
    }
    if (after == null) {
      return true;
    }
    String a = after.kind() == Token.Kind.WORD ? after.keyword() : after.text();
    return (after.kind() == Token.Kind.WORD || after.kind() == Token.Kind.OPERATOR)
        && AFTER_NAME.contains(a);
  }

  /** Whether the AS before token {@code i} is the one of {@code CAST(x AS type)}. */
  private static boolean isCastType(List<Token> tokens, int i) {
    int depth = 0;
    for (int j = i - 2; j >= 0; j--) {
      Token token = tokens.get(j);
      if (token.isOperator(")")) {
        depth++;
      } else if (token.isOperator("(")) {
        if (depth == 0) {
          return j > 0 && (tokens.get(j - 1).isWord("CAST") || tokens.get(j - 1).isWord("CONVERT")
              || tokens.get(j - 1).isWord("TRY_CAST"));
        }
        depth--;
      }
    }
    return false;
  }

  /**
   * Drops clauses JSqlParser does not know whose effect the token scan has already recorded:
   * MySQL's {@code LOCK IN SHARE MODE} (WRITE, a locking clause) and the {@code KEY (…)} of H2's
   * {@code MERGE INTO … KEY (…)}, which is then read as the INSERT it is, for the analysis.
   */
  private static List<Token> withoutUnparsedClauses(List<Token> tokens, SqlDialect dialect) {
    tokens = withoutIgnoredWords(tokens, dialect);
    int n = tokens.size();
    if (dialect == SqlDialect.MYSQL && n > 4 && tokens.get(n - 4).isWord("LOCK")
        && tokens.get(n - 3).isWord("IN") && tokens.get(n - 2).isWord("SHARE")
        && tokens.get(n - 1).isWord("MODE")) {
      return tokens.subList(0, n - 4);
    }
    if (dialect == SqlDialect.H2 && n > 2 && tokens.get(0).isWord("MERGE")
        && tokens.get(1).isWord("INTO")) {
      for (int i = 2; i + 1 < n; i++) {
        if (tokens.get(i).isWord("KEY") && tokens.get(i + 1).isOperator("(")) {
          int close = i + 1;
          while (close < n && !tokens.get(close).isOperator(")")) {
            close++;
          }
          java.util.List<Token> rewritten = new java.util.ArrayList<>(tokens.subList(0, i));
          Token merge = rewritten.get(0);
          rewritten.set(0, new Token(Token.Kind.WORD, "INSERT", merge.start(), merge.end(), false));
          rewritten.addAll(tokens.subList(Math.min(close + 1, n), n));
          return rewritten;
        }
      }
    }
    return tokens;
  }

  /**
   * Words that change nothing about what a statement does and that JSqlParser does not read:
   * MySQL's index-hint scopes ({@code USE INDEX FOR JOIN (…)}) and PostgreSQL's {@code GROUP BY
   * DISTINCT}.
   */
  /**
   * MySQL's and H2's {@code CONVERT(x, type)} is {@code CAST(x AS type)}, which JSqlParser reads;
   * a CONVERT with another shape is left as it is.
   */
  private static List<Token> convertAsCast(List<Token> tokens) {
    List<Token> out = null;
    for (int i = 0; i + 3 < tokens.size(); i++) {
      if (!tokens.get(i).isWord("CONVERT") || !tokens.get(i + 1).isOperator("(")) {
        continue;
      }
      int depth = 0;
      int comma = -1;
      int close = -1;
      for (int j = i + 1; j < tokens.size(); j++) {
        Token t = tokens.get(j);
        if (t.isOperator("(")) {
          depth++;
        } else if (t.isOperator(")") && --depth == 0) {
          close = j;
          break;
        } else if (depth == 1 && t.isOperator(",")) {
          comma = comma < 0 ? j : -2;
        }
      }
      if (comma < 0 || close < 0 || tokens.get(comma + 1).kind() != Token.Kind.WORD) {
        continue;
      }
      if (out == null) {
        out = new java.util.ArrayList<>(tokens);
      }
      int shift = out.size() - tokens.size();
      Token convert = tokens.get(i);
      Token separator = tokens.get(comma);
      out.set(i + shift, new Token(Token.Kind.WORD, "CAST", convert.start(), convert.end(), true));
      out.set(comma + shift,
          new Token(Token.Kind.WORD, "AS", separator.start(), separator.end(), true));
    }
    return out == null ? tokens : out;
  }

  private static List<Token> withoutIgnoredWords(List<Token> tokens, SqlDialect dialect) {
    if (dialect != SqlDialect.POSTGRESQL) {
      tokens = convertAsCast(tokens);
    }
    List<Token> kept = null;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      int skip = 0;
      if (dialect == SqlDialect.MYSQL && token.isWord("FOR") && i >= 1
          && (tokens.get(i - 1).isWord("INDEX") || tokens.get(i - 1).isWord("KEY"))) {
        skip = i + 1 < tokens.size() && tokens.get(i + 1).isWord("JOIN") ? 2
            : i + 2 < tokens.size() && tokens.get(i + 2).isWord("BY") ? 3 : 0;
      } else if (token.isWord("DISTINCT") && i >= 2 && tokens.get(i - 1).isWord("BY")
          && tokens.get(i - 2).isWord("GROUP")) {
        skip = 1;
      }
      if (skip > 0 && kept == null) {
        kept = new java.util.ArrayList<>(tokens.subList(0, i));
      }
      if (skip > 0) {
        i += skip - 1;
      } else if (kept != null) {
        kept.add(token);
      }
    }
    return kept == null ? tokens : kept;
  }

  private static boolean isCharsetIntroducer(Token token, List<Token> tokens, int i) {
    return token.kind() == Token.Kind.WORD
        && token.text().startsWith("_")
        && i + 1 < tokens.size()
        && tokens.get(i + 1).kind() == Token.Kind.STRING;
  }

  private static void quote(
      StringBuilder text, String value, char quote, String prefix, Map<String, String> placeholders) {
    if (isPlain(value, quote)) {
      text.append(quote).append(value.replace("'", "''")).append(quote);
    } else {
      String key = quote + value;
      String placeholder =
          placeholders.computeIfAbsent(key, k -> prefix + (placeholders.size() + 1));
      text.append(quote).append(placeholder).append(quote);
    }
  }

  private static boolean isPlain(String value, char quote) {
    if (value.isEmpty()) {
      return quote == '\'';
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < ' ' || c > '~' || c == '\\' || c == '"' || c == '`' || (quote == '"' && c == '\'')) {
        return false;
      }
    }
    return true;
  }
}
