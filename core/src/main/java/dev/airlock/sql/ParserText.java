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

  /**
   * Drops clauses JSqlParser does not know whose effect the token scan has already recorded:
   * MySQL's {@code LOCK IN SHARE MODE} (WRITE, a locking clause) and the {@code KEY (…)} of H2's
   * {@code MERGE INTO … KEY (…)}, which is then read as the INSERT it is, for the analysis.
   */
  private static List<Token> withoutUnparsedClauses(List<Token> tokens, SqlDialect dialect) {
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
