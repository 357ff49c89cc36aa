package dev.airlock;

import java.util.regex.Pattern;

/**
 * A stable, machine-readable code for why a decision was made, such as {@code KILL_SWITCH}.
 *
 * <p>An open value type: the constants below are Airlock's own codes, and a team's own policies
 * name theirs with {@link #of(String)}. Two codes are equal when their names are equal. Names are
 * upper snake case, so they read the same in logs, audit events and the text a model sees.
 *
 * <pre>{@code
 * ReasonCode OUTSIDE_HOURS = ReasonCode.of("OUTSIDE_BUSINESS_HOURS");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the code, upper snake case, e.g. {@code "NEEDS_APPROVAL"}
 */
public record ReasonCode(String name) {
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");

  /** The kill switch is engaged for every agent or for this call's agent. */
  public static final ReasonCode KILL_SWITCH = new ReasonCode("KILL_SWITCH");
  /** The call names an environment that was not declared on the builder. */
  public static final ReasonCode UNKNOWN_ENVIRONMENT = new ReasonCode("UNKNOWN_ENVIRONMENT");
  /** The call names an environment its tool is not bound to. */
  public static final ReasonCode ENVIRONMENT_MISMATCH = new ReasonCode("ENVIRONMENT_MISMATCH");
  /** A policy threw instead of voting; Airlock counts that as a refusal. */
  public static final ReasonCode POLICY_ERROR = new ReasonCode("POLICY_ERROR");
  /** The call's effect is allowed on its environment. */
  public static final ReasonCode EFFECT_ALLOWED = new ReasonCode("EFFECT_ALLOWED");
  /** The call's effect needs a person's approval on its environment. */
  public static final ReasonCode NEEDS_APPROVAL = new ReasonCode("NEEDS_APPROVAL");
  /** The call's effect is never allowed on its environment. */
  public static final ReasonCode EFFECT_DENIED = new ReasonCode("EFFECT_DENIED");
  /** The allowlist lets this agent call this tool on this environment. */
  public static final ReasonCode ALLOWLISTED = new ReasonCode("ALLOWLISTED");
  /** The allowlist does not let this agent call this tool on this environment. */
  public static final ReasonCode NOT_ALLOWLISTED = new ReasonCode("NOT_ALLOWLISTED");
  /** The call needs approval, but no approver is configured. */
  public static final ReasonCode NO_APPROVER = new ReasonCode("NO_APPROVER");
  /** A person approved the call. */
  public static final ReasonCode APPROVED = new ReasonCode("APPROVED");
  /** A person rejected the call. */
  public static final ReasonCode APPROVAL_REJECTED = new ReasonCode("APPROVAL_REJECTED");
  /** No answer came from the approver in time. */
  public static final ReasonCode APPROVAL_TIMEOUT = new ReasonCode("APPROVAL_TIMEOUT");
  /** The approver failed instead of answering. */
  public static final ReasonCode APPROVER_ERROR = new ReasonCode("APPROVER_ERROR");
  /** The approval came from the agent's own principal, which may never approve its own call. */
  public static final ReasonCode SELF_APPROVAL = new ReasonCode("SELF_APPROVAL");
  /** A person approved the call earlier, and this run used that single-use grant. */
  public static final ReasonCode GRANT_USED = new ReasonCode("GRANT_USED");
  /** A request for this exact call is waiting for a person; nothing runs until they answer. */
  public static final ReasonCode APPROVAL_PENDING = new ReasonCode("APPROVAL_PENDING");
  /** The approval request or its grant expired before it was used. */
  public static final ReasonCode APPROVAL_EXPIRED = new ReasonCode("APPROVAL_EXPIRED");
  /** The approval request is unknown, already used, or not approved (for {@code resume}). */
  public static final ReasonCode NO_GRANT = new ReasonCode("NO_GRANT");
  /** The approval store could not be read or written, so nothing that needs approval runs. */
  public static final ReasonCode APPROVAL_STORE_UNAVAILABLE =
      new ReasonCode("APPROVAL_STORE_UNAVAILABLE");
  /** A destructive statement on production has not run successfully on its staging mirror. */
  public static final ReasonCode STAGING_RUN_REQUIRED = new ReasonCode("STAGING_RUN_REQUIRED");
  /** The same statement ran successfully on the staging mirror within the window. */
  public static final ReasonCode STAGING_RUN_FOUND = new ReasonCode("STAGING_RUN_FOUND");
  /** The production row estimate is far above the rows the staging run changed. */
  public static final ReasonCode STAGING_ROWS_DIFFER = new ReasonCode("STAGING_ROWS_DIFFER");
  /** The agent used up its budget of writes on production for now. */
  public static final ReasonCode WRITE_BUDGET_EXCEEDED = new ReasonCode("WRITE_BUDGET_EXCEEDED");
  /** The agent was refused so often that Airlock engaged the kill switch for it. */
  public static final ReasonCode AUTO_KILL = new ReasonCode("AUTO_KILL");
  /** The audit log could not record the call, so it may not run. */
  public static final ReasonCode AUDIT_UNAVAILABLE = new ReasonCode("AUDIT_UNAVAILABLE");

  // SQL analysis: why a statement has the effect it has

  /** A SQL tool was called without a SQL text in its declared argument. */
  public static final ReasonCode SQL_MISSING = new ReasonCode("SQL_MISSING");
  /** The text holds no statement at all (empty, or only comments). */
  public static final ReasonCode SQL_EMPTY = new ReasonCode("SQL_EMPTY");
  /** The statement could not be parsed, so nothing can be said about what it does. */
  public static final ReasonCode SQL_PARSE_ERROR = new ReasonCode("SQL_PARSE_ERROR");
  /** The text is longer than the analyser's limit. */
  public static final ReasonCode SQL_TOO_LONG = new ReasonCode("SQL_TOO_LONG");
  /** The statement nests parentheses deeper than the analyser's limit. */
  public static final ReasonCode SQL_TOO_DEEP = new ReasonCode("SQL_TOO_DEEP");
  /** Parsing took longer than the analyser's time budget. */
  public static final ReasonCode ANALYSIS_TIMEOUT = new ReasonCode("ANALYSIS_TIMEOUT");
  /** A string, quoted name or comment is never closed. */
  public static final ReasonCode SQL_UNTERMINATED = new ReasonCode("SQL_UNTERMINATED");
  /** MySQL or MariaDB would run the body of an executable comment. */
  public static final ReasonCode EXECUTABLE_COMMENT = new ReasonCode("EXECUTABLE_COMMENT");
  /** A character the server reads differently from how it looks (NUL, control, look-alike). */
  public static final ReasonCode SUSPICIOUS_CHARACTER = new ReasonCode("SUSPICIOUS_CHARACTER");
  /** The statement's kind decides its effect (DROP, GRANT, COPY, transaction control…). */
  public static final ReasonCode STATEMENT_KIND = new ReasonCode("STATEMENT_KIND");
  /** A DELETE or UPDATE has no WHERE clause. */
  public static final ReasonCode MISSING_WHERE = new ReasonCode("MISSING_WHERE");
  /** A DELETE or UPDATE has a WHERE clause that is always true by its text alone. */
  public static final ReasonCode ALWAYS_TRUE_WHERE = new ReasonCode("ALWAYS_TRUE_WHERE");
  /** The statement calls a function with a known side effect. */
  public static final ReasonCode SIDE_EFFECT_FUNCTION = new ReasonCode("SIDE_EFFECT_FUNCTION");
  /** The statement calls a function that is in neither catalogue, which may write. */
  public static final ReasonCode UNKNOWN_FUNCTION = new ReasonCode("UNKNOWN_FUNCTION");
  /** The statement locks rows or tables, or writes into a table, file or variable. */
  public static final ReasonCode LOCKING_CLAUSE = new ReasonCode("LOCKING_CLAUSE");
  /** A part of the statement writes (a data-modifying CTE, SELECT INTO, INTO OUTFILE…). */
  public static final ReasonCode NESTED_WRITE = new ReasonCode("NESTED_WRITE");

  /** The rows a write would touch could not be estimated; a person must judge it. */
  public static final ReasonCode ROW_ESTIMATE_UNAVAILABLE =
      new ReasonCode("ROW_ESTIMATE_UNAVAILABLE");
  /** A write would touch more rows than its environment allows at all. */
  public static final ReasonCode ROW_ESTIMATE_TOO_HIGH = new ReasonCode("ROW_ESTIMATE_TOO_HIGH");
  /** A write would touch more rows than its environment lets run without a person's approval. */
  public static final ReasonCode ROW_ESTIMATE_NEEDS_APPROVAL =
      new ReasonCode("ROW_ESTIMATE_NEEDS_APPROVAL");
  /** A write would touch no more rows than its environment lets run without approval. */
  public static final ReasonCode ROW_ESTIMATE_WITHIN_LIMIT =
      new ReasonCode("ROW_ESTIMATE_WITHIN_LIMIT");
  /** A write changed more rows than its ceiling; it was rolled back. */
  public static final ReasonCode ROW_LIMIT_EXCEEDED = new ReasonCode("ROW_LIMIT_EXCEEDED");
  /**
   * The database refused a statement on the read-only path as a write: the classifier called it a
   * read and was wrong, and the database's own wall held.
   */
  public static final ReasonCode READ_ONLY_VIOLATION = new ReasonCode("READ_ONLY_VIOLATION");
  /** The read credentials of the environment can write, and read-only credentials are required. */
  public static final ReasonCode WRITABLE_CREDENTIALS = new ReasonCode("WRITABLE_CREDENTIALS");
  /** Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT…), which the JDBC layer never runs. */
  public static final ReasonCode TRANSACTION_CONTROL = new ReasonCode("TRANSACTION_CONTROL");
  /** A query tool was given a statement that is not a read. */
  public static final ReasonCode NOT_A_READ = new ReasonCode("NOT_A_READ");
  /** The bind parameters do not match the statement's placeholders, or cannot be bound. */
  public static final ReasonCode PARAMETER_MISMATCH = new ReasonCode("PARAMETER_MISMATCH");
  /** A write came in a script with other statements; writes run one statement per call. */
  public static final ReasonCode MULTIPLE_STATEMENTS = new ReasonCode("MULTIPLE_STATEMENTS");
  /** The database reads SQL text differently from the analysis (its string-literal settings). */
  public static final ReasonCode UNSUPPORTED_SERVER_SETTING =
      new ReasonCode("UNSUPPORTED_SERVER_SETTING");
  /** The statement ran longer than its timeout and was cancelled. */
  public static final ReasonCode STATEMENT_TIMEOUT = new ReasonCode("STATEMENT_TIMEOUT");
  /** A write was allowed, but the environment has no data source for writes. */
  public static final ReasonCode NO_WRITE_PATH = new ReasonCode("NO_WRITE_PATH");

  /**
   * Validates the name.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is not upper snake case
   */
  public ReasonCode {
    Checks.notNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be upper snake case such as OUTSIDE_BUSINESS_HOURS, but was '" + name + "'");
    }
  }

  /**
   * Returns the code with this name; for a team's own policies.
   *
   * @param name the code, upper snake case
   * @return the code
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is not upper snake case
   */
  public static ReasonCode of(String name) {
    return new ReasonCode(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
