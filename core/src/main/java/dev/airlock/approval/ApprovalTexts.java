package dev.airlock.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.airlock.Reason;
import dev.airlock.StagingRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The plain-text view of an {@link ApprovalRequest} that a person reads in a terminal or a chat
 * message, shared by every approver so that each shows the same facts.
 *
 * <p>{@link #describe(ApprovalRequest)} shows who asks, what, where and why, the rows and the row
 * ceiling that approving grants, the staging evidence, every reason, the SQL formatted for reading
 * when the request has it, and always the exact SQL text that will run, byte for byte and never
 * shortened. Text an agent controls that belongs on one line (its stated reason, names) is kept on
 * one line, with line breaks and invisible characters written as escapes, so it cannot pose as
 * another part of the view; the SQL sits between fence lines of {@code =} longer than any run of
 * {@code =} inside it, so it cannot pose as the end of its own block.
 *
 * <pre>{@code
 * chat.post(approverChannel, ApprovalTexts.describe(request));
 * }</pre>
 *
 * <p>Thread-safe; not instantiable.
 */
public final class ApprovalTexts {

  // "\n" on every platform, numbers as written rather than 1E+3
  private static final ObjectWriter JSON = JsonMapper.builder()
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build()
      .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private ApprovalTexts() {}

  /**
   * Describes a request for a person to decide on: its id, the tool, the environment (name and
   * tier), the effect, the agent, its session and its stated reason, the tables, the rows, the row
   * ceiling approving grants, the staging evidence, the request's times, every reason (code,
   * policy, message), the SQL formatted for reading if the request has it, and the exact SQL text
   * (or, for a tool that is not SQL, its arguments as JSON).
   *
   * <p>Example (shortened):
   *
   * <pre>
   * Approval request 7f3a9c
   *   Tool:             run_sql
   *   Environment:      orders-db (PRODUCTION, POSTGRESQL)
   *   Effect:           DESTRUCTIVE
   *   Agent:            cleanup-bot
   *   Rows:             1206 rows (exact count; plan: 975)
   *   Approving means:  it may change at most 1206 rows; if it changes more, it is rolled back
   *   Staging:          no staging run
   * Reasons:
   *   - NEEDS_APPROVAL (effect-rules): DESTRUCTIVE on production environment 'orders-db' …
   * Exact SQL that will run: the text between the two lines of '=', byte for byte (32
   * characters, 1 line):
   * =====
   * DELETE FROM executives WHERE 1=1
   * =====
   * </pre>
   *
   * @param request the request
   * @return the text, lines separated by {@code \n}, without a final line break
   * @throws NullPointerException if {@code request} is null
   */
  public static String describe(ApprovalRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    StringBuilder out = new StringBuilder(512 + 2 * length(request.sql())
        + length(request.formattedSql()));
    out.append("Approval request ").append(oneLine(request.requestId())).append('\n');
    field(out, "Tool", request.call().tool());
    field(out, "Environment", request.environment().name() + " ("
        + request.environment().tier() + ", " + request.environment().dialect() + ")");
    field(out, "Effect", request.effect().name());
    field(out, "Agent", request.agent());
    field(out, "Session", request.session().orElse("none"));
    field(out, "Agent's reason", request.statedReason().map(r -> "\"" + r + "\"")
        .orElse("none given"));
    field(out, "Tables", request.tables().isEmpty() ? "none named"
        : String.join(", ", request.tables()));
    field(out, "Rows", request.rows() == null ? "not estimated" : request.rows().describe());
    field(out, "Approving means", request.maxRows() == null
        ? "no row ceiling: it may change any number of rows"
        : "it may change at most " + rows(request.maxRows()) + "; if it changes more, it is"
            + " rolled back");
    field(out, "Staging", request.stagingRun().map(ApprovalTexts::staging)
        .orElse("no staging run"));
    field(out, "Requested", request.requestedAt().toString());
    field(out, "Expires", request.expiresAt() + " (unanswered, the request lapses then)");
    out.append("Reasons:\n");
    if (request.reasons().isEmpty()) {
      out.append("  none given\n");
    }
    for (Reason reason : request.reasons()) {
      out.append("  - ").append(oneLine(reason.code() + " (" + reason.policy() + "): "
          + reason.message())).append('\n');
    }
    Map<String, Object> arguments = request.sql() == null ? request.call().arguments()
        : otherArguments(request);
    if (!arguments.isEmpty()) {
      String json = json(arguments);
      out.append(request.sql() == null ? "Arguments (JSON):\n" : "Other arguments (JSON):\n");
      warnInvisible(out, json, "The arguments hold");
      out.append(json).append('\n');
    }
    if (request.formattedSql() != null) {
      out.append("SQL formatted for reading (every comment kept; the exact text below is what"
          + " runs):\n");
      fenced(out, request.formattedSql());
    }
    if (request.sql() != null) {
      String sql = request.sql();
      out.append("Exact SQL that will run: the text between the two lines of '=', byte for byte (")
          .append(sql.length()).append(sql.length() == 1 ? " character, " : " characters, ")
          .append(lines(sql)).append(lines(sql) == 1 ? " line):\n" : " lines):\n");
      warnInvisible(out, sql, "The exact text holds");
      fenced(out, sql);
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }

  /**
   * The text with each character a terminal would hide, act on or use to reorder the display
   * written as {@code <U+XXXX>}; line feeds, tabs and a carriage return before a line feed stay.
   */
  static String visible(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean hidden = cp == '\r' ? next >= text.length() || text.charAt(next) != '\n'
          : isInvisible(cp);
      if (hidden && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (hidden) {
        out.append(String.format("<U+%04X>", cp));
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }

  /**
   * Whether a code point is one a screen may not show, or acts on: controls other than line feed
   * and tab (a carriage return is judged by its caller), format characters such as bidirectional
   * overrides and zero-width spaces, line and paragraph separators, and unpaired surrogates.
   */
  static boolean isInvisible(int cp) {
    if (cp == '\n' || cp == '\t') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE;
  }

  private static void field(StringBuilder out, String name, String value) {
    out.append("  ").append(name).append(':');
    out.append(" ".repeat(Math.max(1, 17 - name.length()))).append(oneLine(value)).append('\n');
  }

  /** Keeps a value on its line: line breaks, tabs and invisible characters become escapes. */
  private static String oneLine(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      switch (cp) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (isInvisible(cp)) {
            out.append(String.format("<U+%04X>", cp));
          } else {
            out.appendCodePoint(cp);
          }
        }
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  private static String staging(StagingRun run) {
    String rows = run.rowsChanged() < 0 ? "rows changed not reported"
        : rows(run.rowsChanged()) + " changed";
    return "the same statement ran on " + run.stagingEnvironment() + " (mirror of "
        + run.productionEnvironment() + ") at " + run.ranAt() + ": " + rows + " (call "
        + run.callId() + ", agent " + run.agent() + ")";
  }

  private static String rows(long n) {
    return n == 1 ? "1 row" : n + " rows";
  }

  /** The SQL tool's arguments other than the SQL text itself, such as bind parameters. */
  private static Map<String, Object> otherArguments(ApprovalRequest request) {
    Map<String, Object> others = new LinkedHashMap<>();
    request.call().arguments().forEach((name, value) -> {
      if (!request.sql().equals(value)) {
        others.put(name, value);
      }
    });
    return others;
  }

  private static String json(Map<String, Object> arguments) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(arguments));
    } catch (JsonProcessingException e) {
      return String.valueOf(arguments); // arguments are JSON-like values: not expected
    }
  }

  /** Writes the text between two fence lines of '=' longer than any run of '=' it holds. */
  private static void fenced(StringBuilder out, String text) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      run = text.charAt(i) == '=' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "=".repeat(Math.max(5, longest + 1));
    out.append(fence).append('\n').append(text).append('\n').append(fence).append('\n');
  }

  private static void warnInvisible(StringBuilder out, String text, String what) {
    Map<Integer, Integer> counts = new TreeMap<>();
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      boolean loneReturn = cp == '\r' && (next >= text.length() || text.charAt(next) != '\n');
      if (loneReturn || cp != '\r' && isInvisible(cp)) {
        counts.merge(cp, 1, Integer::sum);
      }
      i = next;
    }
    if (counts.isEmpty()) {
      return;
    }
    StringBuilder list = new StringBuilder();
    counts.forEach((cp, n) -> list.append(list.length() == 0 ? "" : ", ")
        .append(String.format("U+%04X", cp)).append(n == 1 ? "" : " x" + n));
    out.append("Warning: ").append(what).append(" characters a screen may hide, act on or"
        + " reorder (").append(list).append("); they are part of what runs.\n");
  }

  private static int lines(String text) {
    int lines = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lines++;
      }
    }
    return lines;
  }

  private static int length(String text) {
    return text == null ? 0 : Math.min(text.length(), 1 << 20);
  }
}
