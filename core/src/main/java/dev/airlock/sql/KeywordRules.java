package dev.airlock.sql;

import dev.airlock.Effect;
import java.util.List;
import java.util.Set;

/**
 * The effect a statement's leading keywords imply. This is a floor: the parsed statement may be
 * more severe, never less. For statements JSqlParser cannot parse (COPY, DO, VACUUM, LOCK, KILL,
 * CREATE ROLE…) it is the whole answer; for queries and DML a parse is required, and a text that
 * does not parse is UNKNOWN.
 */
final class KeywordRules {

  /**
   * What the leading keywords say.
   *
   * @param kind the leading keyword, upper case
   * @param effect the floor
   * @param parseRequired whether only a successful parse may confirm the effect (queries and DML)
   * @param message why, for a person
   */
  record Rule(String kind, Effect effect, boolean parseRequired, String message) {}

  private static final Set<String> ADMIN_KEYWORDS =
      Set.of(
          "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "XA",
          "PREPARE", "DEALLOCATE", "EXECUTE", "EXEC", "COPY", "LOAD", "VACUUM", "ANALYZE",
          "ANALYSE", "CLUSTER", "REINDEX", "CHECKPOINT", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM",
          "LOCK", "UNLOCK", "LISTEN", "UNLISTEN", "NOTIFY", "DO", "KILL", "FLUSH", "SHUTDOWN",
          "RESTART", "INSTALL", "UNINSTALL", "PURGE", "CHANGE", "STOP", "BINLOG", "CACHE",
          "HANDLER", "SIGNAL", "RESIGNAL", "USE", "DISCARD", "DECLARE", "FETCH", "MOVE", "CLOSE",
          "OPEN", "SCRIPT", "BACKUP", "RUNSCRIPT", "IMPORT", "RESET", "SET", "GET", "ATTACH",
          "DETACH", "PRAGMA", "SOURCE", "CANCEL");

  private static final Set<String> PRIVILEGE_KEYWORDS =
      Set.of("GRANT", "REVOKE", "REASSIGN", "SECURITY", "DENY");

  private static final Set<String> PRINCIPALS =
      Set.of("ROLE", "USER", "GROUP", "POLICY", "PRIVILEGES", "OWNED");

  private static final Set<String> OUTSIDE_OBJECTS =
      Set.of(
          "EXTENSION", "SERVER", "FOREIGN", "SUBSCRIPTION", "PUBLICATION", "DATABASE", "TABLESPACE",
          "EVENT", "LANGUAGE", "SYSTEM", "INSTANCE", "LINKED", "RESOURCE", "SPFILE",
          "LOGFILE", "PLUGGABLE");

  private static final Set<String> CREATE_MODIFIERS =
      Set.of(
          "OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "GLOBAL", "LOCAL", "UNLOGGED",
          "MATERIALIZED", "RECURSIVE", "IF", "NOT", "EXISTS", "DEFINER", "ALGORITHM", "SQL",
          "SECURITY", "INVOKER", "UNDEFINED", "MERGE", "TEMPTABLE", "TRUSTED", "PROCEDURAL",
          "CONSTRAINT", "DEFAULT", "FORCE", "NOFORCE", "CACHED", "MEMORY");

  private KeywordRules() {}

  /** The rule for a statement's tokens; {@code null} when no keyword rule applies. */
  static Rule of(List<Token> tokens) {
    if (tokens.isEmpty()) {
      return null;
    }
    Token first = tokens.get(0);
    if (first.isOperator("(")) {
      return new Rule("SELECT", Effect.READ, true, "a query that only reads");
    }
    String k = first.keyword();
    if (k == null) {
      return null;
    }
    String k2 = keyword(tokens, 1);
    switch (k) {
      case "SELECT", "WITH", "VALUES", "TABLE" -> {
        return new Rule(k.equals("WITH") || k.equals("TABLE") ? "SELECT" : k, Effect.READ, true,
            "a query that only reads");
      }
      case "INSERT", "UPDATE", "MERGE", "UPSERT", "REPLACE" -> {
        return new Rule(k, Effect.WRITE, true, k + " changes rows");
      }
      case "DELETE" -> {
        return new Rule(k, Effect.WRITE, true, "DELETE removes rows");
      }
      case "EXPLAIN", "DESCRIBE", "DESC" -> {
        return new Rule(k, Effect.READ, false, k + " plans or describes");
      }
      case "SHOW", "HELP" -> {
        return new Rule(k, Effect.READ, false, k + " reads");
      }
      case "CALL" -> {
        return new Rule(k, Effect.WRITE, false, "CALL runs a procedure, which may write");
      }
      case "REFRESH" -> {
        return new Rule(k, Effect.WRITE, false, "REFRESH rewrites a materialized view");
      }
      case "TRUNCATE" -> {
        return new Rule(k, Effect.DESTRUCTIVE, false, "TRUNCATE removes every row");
      }
      case "COMMENT" -> {
        return new Rule(k, Effect.SCHEMA, false, "COMMENT changes the schema's documentation");
      }
      case "RENAME" -> {
        return "USER".equals(k2)
            ? new Rule(k, Effect.PRIVILEGE, false, "RENAME USER changes an account")
            : new Rule(k, Effect.SCHEMA, false, "RENAME changes the schema");
      }
      case "CREATE", "ALTER", "DROP" -> {
        return definition(k, tokens);
      }
      default -> {
        // fall through to the tables below
      }
    }
    if (PRIVILEGE_KEYWORDS.contains(k)) {
      return new Rule(k, Effect.PRIVILEGE, false, k + " changes who may do what");
    }
    if (k.equals("DISCARD") && ("ALL".equals(k2) || "ROLE".equals(k2))) {
      return new Rule(k, Effect.PRIVILEGE, false,
          "DISCARD ALL returns the session to the role it logged in with");
    }
    if ((k.equals("SET") || k.equals("RESET"))
        && (containsWord(tokens, "GRANT") || containsWord(tokens, "REVOKE"))) {
      return new Rule(k, Effect.PRIVILEGE, false, k + " … runs a statement that changes who may"
          + " do what");
    }
    if (k.equals("SET") || k.equals("RESET")) {
      for (int i = 1; i < Math.min(tokens.size(), 5); i++) {
        Token token = tokens.get(i);
        boolean name = token.kind() == Token.Kind.WORD
            || token.kind() == Token.Kind.QUOTED_IDENTIFIER;
        if (name && (isPrincipalSetting(token.text()) || token.text().equalsIgnoreCase("password")
            || token.text().equalsIgnoreCase("authorization"))) {
          return new Rule(k, Effect.PRIVILEGE, false,
              k + " " + token.text() + " changes who the session is");
        }
      }
      return new Rule(k, Effect.ADMIN, false, k + " changes the session or the server");
    }
    if (ADMIN_KEYWORDS.contains(k)) {
      return new Rule(k, Effect.ADMIN, false, adminMessage(k));
    }
    return null;
  }

  private static Rule definition(String k, List<Token> tokens) {
    String object = "";
    for (int i = 1; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      String word = token.keyword();
      boolean valueOfSetting = tokens.get(i - 1).isOperator("=");
      if (word == null || valueOfSetting || word.startsWith("@") || CREATE_MODIFIERS.contains(word)) {
        continue; // DEFINER = `root`@`localhost`, ALGORITHM = MERGE, OR REPLACE …
      }
      object = word;
      break;
    }
    if (PRINCIPALS.contains(object) || containsSequence(tokens, "OWNER", "TO")
        || containsSequence(tokens, "LEVEL", "SECURITY") || containsWord(tokens, "GRANT")
        || containsWord(tokens, "REVOKE") || definerIsAnotherAccount(tokens)) {
      return new Rule(k, Effect.PRIVILEGE, false, k + " " + object + " changes who may do what");
    }
    if (k.equals("CREATE") && runsCodeNow(object, tokens)) {
      return new Rule(k, Effect.ADMIN, false,
          "CREATE " + object + " loads or runs code in the server process");
    }
    if (k.equals("CREATE") && object.equals("TABLE") && containsSequence(tokens, "OR", "REPLACE")) {
      return new Rule(k, Effect.DESTRUCTIVE, false,
          "CREATE OR REPLACE TABLE drops the table and its rows first");
    }
    if (k.equals("ALTER") && ((containsWord(tokens, "ENGINE") && mentions(tokens, "BLACKHOLE"))
        || changesColumnType(tokens)
        || containsWord(tokens, "MODIFY") || containsWord(tokens, "CHANGE")
        || containsWord(tokens, "DISCARD"))) {
      return new Rule(k, Effect.DESTRUCTIVE, false, "ALTER rewrites the table's data (a column's"
          + " type changed, which may round or cut values, or a discarding engine)");
    }
    if (k.equals("DROP")) {
      return new Rule(k, Effect.DESTRUCTIVE, false, "DROP " + object + " removes it and its data");
    }
    if (OUTSIDE_OBJECTS.contains(object) || (k.equals("ALTER") && object.equals("SCHEMA")
        && containsWord(tokens, "READ")) || (containsWord(tokens, "ENGINE")
            && (mentions(tokens, "FEDERATED") || mentions(tokens, "FEDERATEDX")
                || mentions(tokens, "SPIDER") || mentions(tokens, "CONNECT")))) {
      return new Rule(
          k, Effect.ADMIN, false, k + " " + object + " changes the server or reaches outside it");
    }
    if (k.equals("ALTER")) {
      if (containsWord(tokens, "DROP") || containsWord(tokens, "TRUNCATE")) {
        return new Rule(k, Effect.DESTRUCTIVE, false, "ALTER … DROP removes structure or data");
      }
      return new Rule(k, Effect.SCHEMA, false, "ALTER " + object + " changes the schema");
    }
    return new Rule(k, Effect.SCHEMA, false, "CREATE " + object + " changes the schema");
  }

  /**
   * CREATE statements that load or run code at once: a C function or a MySQL loadable function
   * (a shared library), an untrusted procedural language, an H2 alias or trigger (Java source
   * compiled in the server).
   */
  private static boolean runsCodeNow(String object, List<Token> tokens) {
    if (object.equals("ALIAS")
        || (object.equals("TRIGGER") && (containsWord(tokens, "AS") || containsWord(tokens, "CALL")))
        || containsWord(tokens, "SONAME")) {
      return true;
    }
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i).isWord("LANGUAGE")) {
        String language = tokens.get(i + 1).text().toLowerCase(java.util.Locale.ROOT);
        if (language.equals("c") || language.equals("internal") || language.endsWith("u")
            || language.equals("java")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String adminMessage(String k) {
    return switch (k) {
      case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "XA" ->
          k + " is transaction control, which could end a read-only transaction";
      case "COPY", "LOAD", "SCRIPT", "BACKUP", "RUNSCRIPT", "IMPORT", "SOURCE" ->
          k + " moves data between the database and files or programs";
      case "LOCK", "UNLOCK" -> k + " takes or releases table locks";
      case "PREPARE", "EXECUTE", "EXEC", "DEALLOCATE" ->
          k + " runs or holds a statement the analyser cannot see";
      case "DO" -> "DO runs a block of code";
      default -> k + " changes the session or the server";
    };
  }

  /** Settings that change who the session is: PostgreSQL's {@code role} and its aliases. */
  static boolean isPrincipalSetting(String name) {
    String n = name.strip();
    return n.equalsIgnoreCase("role") || n.equalsIgnoreCase("session_authorization")
        || n.equalsIgnoreCase("session authorization");
  }

  static String keyword(List<Token> tokens, int index) {
    return index < tokens.size() ? tokens.get(index).keyword() : null;
  }

  /** {@code ALTER [COLUMN] c [SET DATA] TYPE t}: every value is cast, and may be rounded or cut. */
  private static boolean changesColumnType(List<Token> tokens) {
    for (int i = 2; i < tokens.size(); i++) {
      if (tokens.get(i).isWord("TYPE") && (tokens.get(i - 1).isWord("DATA")
          || tokens.get(i - 2).isWord("COLUMN") || tokens.get(i - 2).isWord("ALTER"))) {
        return true;
      }
    }
    return false;
  }

  /** MySQL's {@code DEFINER = account} naming someone other than the current user. */
  private static boolean definerIsAnotherAccount(List<Token> tokens) {
    for (int i = 0; i + 2 < tokens.size(); i++) {
      if (tokens.get(i).isWord("DEFINER") && tokens.get(i + 1).isOperator("=")) {
        return !tokens.get(i + 2).isWord("CURRENT_USER");
      }
    }
    return false;
  }

  /** A word, quoted name or string spelled {@code upperCase}, in any case. */
  private static boolean mentions(List<Token> tokens, String upperCase) {
    for (Token token : tokens) {
      if (token.kind() != Token.Kind.OPERATOR && token.text().equalsIgnoreCase(upperCase)) {
        return true;
      }
    }
    return false;
  }

  static boolean containsWord(List<Token> tokens, String upperCase) {
    for (Token token : tokens) {
      if (token.isWord(upperCase)) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsSequence(List<Token> tokens, String a, String b) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i).isWord(a) && tokens.get(i + 1).isWord(b)) {
        return true;
      }
    }
    return false;
  }
}
