package dev.airlock.sql;

/**
 * One token of the pre-scan: a word, a quoted identifier, a literal, a parameter or an operator.
 * Comments and whitespace are not tokens; {@link #spaceBefore} says whether any stood before it.
 * Confined to the analysis of one text (never shared between threads): a number's text and a
 * word's upper-case form are computed on first use.
 */
final class Token {

  enum Kind {
    WORD,
    QUOTED_IDENTIFIER,
    STRING,
    NUMBER,
    PARAMETER,
    OPERATOR
  }

  private final Kind kind;
  private String text;
  private final String source;
  private final int sourceStart;
  private final int start;
  private final int end;
  private final boolean spaceBefore;
  private String keyword;

  /**
   * @param kind what the token is
   * @param text for a word, number, parameter or operator its text as written; for a string
   *     literal or a quoted identifier its value with the quoting removed and escapes resolved
   * @param start offset of the token's first character in the statement text
   * @param end offset just past the token's last character
   * @param spaceBefore whether whitespace or a comment separates it from the token before
   */
  Token(Kind kind, String text, int start, int end, boolean spaceBefore) {
    this.kind = kind;
    this.text = text;
    this.source = null;
    this.sourceStart = 0;
    this.start = start;
    this.end = end;
    this.spaceBefore = spaceBefore;
  }

  /** A token whose text is {@code source} from {@code sourceStart} for {@code end - start} chars. */
  Token(Kind kind, String source, int sourceStart, int start, int end, boolean spaceBefore) {
    this.kind = kind;
    this.source = source;
    this.sourceStart = sourceStart;
    this.start = start;
    this.end = end;
    this.spaceBefore = spaceBefore;
  }

  Kind kind() {
    return kind;
  }

  String text() {
    String t = text;
    if (t == null) {
      t = source.substring(sourceStart, sourceStart + end - start);
      text = t; // a benign race: every thread computes the same value
    }
    return t;
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  boolean spaceBefore() {
    return spaceBefore;
  }

  /** Whether this is the word {@code upperCase} (given in upper case), in any case. */
  boolean isWord(String upperCase) {
    if (kind != Kind.WORD) {
      return false;
    }
    String t = text();
    if (t.length() != upperCase.length() || t.isEmpty()) {
      return false;
    }
    char first = upperCase.charAt(0);
    if (first >= 'A' && first <= 'Z' && (t.charAt(0) & 0xDF) != first) {
      return false; // a cheap first-letter filter before the full comparison
    }
    return t.equalsIgnoreCase(upperCase);
  }

  boolean isOperator(String operator) {
    return kind == Kind.OPERATOR && text().equals(operator);
  }

  /** The text of a word in ASCII upper case, or {@code null} for any other token. */
  String keyword() {
    if (kind != Kind.WORD) {
      return null;
    }
    String k = keyword;
    if (k == null) {
      k = upper(text());
      keyword = k; // a benign race: every thread computes the same value
    }
    return k;
  }

  @Override
  public String toString() {
    return kind + "(" + text() + ")";
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
