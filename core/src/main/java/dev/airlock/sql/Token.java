package dev.airlock.sql;

/**
 * One token of the pre-scan: a word, a quoted identifier, a literal, a parameter or an operator.
 * Comments and whitespace are not tokens; {@link #spaceBefore} says whether any stood before it.
 *
 * @param kind what the token is
 * @param text for a word, number, parameter or operator its text as written; for a string literal
 *     or a quoted identifier its value with the quoting removed and escapes resolved
 * @param start offset of the token's first character in the statement text
 * @param end offset just past the token's last character
 * @param spaceBefore whether whitespace or a comment separates it from the token before
 */
record Token(Kind kind, String text, int start, int end, boolean spaceBefore) {

  enum Kind {
    WORD,
    QUOTED_IDENTIFIER,
    STRING,
    NUMBER,
    PARAMETER,
    OPERATOR
  }

  boolean isWord(String upperCase) {
    return kind == Kind.WORD && text.equalsIgnoreCase(upperCase);
  }

  boolean isOperator(String operator) {
    return kind == Kind.OPERATOR && text.equals(operator);
  }

  /** The text of a word in upper case, or {@code null} for any other token. */
  String keyword() {
    return kind == Kind.WORD ? upper(text) : null;
  }

  /** ASCII upper case: {@link String#toUpperCase()} would turn a Turkish dotless i into I. */
  static String upper(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'a' && c <= 'z') {
        char[] chars = text.toCharArray();
        for (int j = i; j < chars.length; j++) {
          if (chars[j] >= 'a' && chars[j] <= 'z') {
            chars[j] = (char) (chars[j] - 32);
          }
        }
        return new String(chars);
      }
    }
    return text;
  }
}
