package dev.airlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code airlock check}, run in-process with its stdin, stdout and stderr redirected. */
class CheckCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MYSQL_ONLY = "SELECT 1 /*! , sleep(1) */";

  /** What one run printed, and how it ended. */
  record Run(int status, String out, String err) {

    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n", -1)).subList(0, count());
    }

    List<JsonNode> json() {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : lines()) {
        try {
          nodes.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException("not JSON: " + line, e);
        }
      }
      return nodes;
    }

    private int count() {
      assertThat(out).endsWith("\n");
      return (int) out.chars().filter(c -> c == '\n').count();
    }
  }

  private static Run run(String stdin, String... args) {
    CommandLine command = AirlockCommand.commandLine(
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int status = command.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private static Run check(String... args) {
    return run("", args);
  }

  private static Run jsonl(String stdin, String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "check";
    args[1] = "--jsonl";
    System.arraycopy(options, 0, args, 2, options.length);
    return run(stdin, args);
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Nested
  class ForAPerson {

    @Test
    void aRead() {
      Run run = check("check", "SELECT 1");

      assertThat(run.status()).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.lines()).containsExactly(
          "effect:   READ",
          "decision: ALLOW",
          "reason:   EFFECT_ALLOWED: READ is allowed on production environment 'production'",
          "reason:   STATEMENT_KIND: a query that only reads");
    }

    @Test
    void aDestructiveStatement() {
      Run run = check("check", "--dialect", "postgresql", "--tier", "production", "DROP TABLE t");

      assertThat(run.status()).isZero();
      assertThat(run.err()).isEmpty();
      assertThat(run.lines()).hasSize(4);
      assertThat(run.lines().subList(0, 3)).containsExactly(
          "effect:   DESTRUCTIVE",
          "decision: REQUIRE_APPROVAL",
          "reason:   NEEDS_APPROVAL: DESTRUCTIVE (DROP TABLE removes it and its data) on production"
              + " environment 'production' needs a person's approval");
      assertThat(run.lines().get(3)).startsWith("reason:   STATEMENT_KIND: ");
    }

    @Test
    void everyStatementOfAScript() {
      Run run = check("check", "SELECT 1; DELETE FROM t WHERE id = 1; DROP TABLE t");

      assertThat(run.status()).isZero();
      assertThat(run.lines()).startsWith("effect:   DESTRUCTIVE", "decision: REQUIRE_APPROVAL");
      assertThat(run.lines()).endsWith(
          "statement 1: SELECT READ", "statement 2: DELETE WRITE", "statement 3: DROP DESTRUCTIVE");
    }

    @Test
    void oneStatementIsNotListed() {
      assertThat(check("check", "DELETE FROM t WHERE id = 1").out()).doesNotContain("statement");
    }

    @Test
    void namesInAnyCase() {
      Run run = check("check", "--dialect", "MySQL", "--tier", "STAGING", MYSQL_ONLY);

      assertThat(run.status()).isZero();
      assertThat(run.lines()).startsWith("effect:   UNKNOWN", "decision: DENY");
      assertThat(run.out()).contains("staging environment", "EXECUTABLE_COMMENT");
    }

    @Test
    void aTextThatStartsWithADashAfterTheDelimiter() {
      Run run = check("check", "--", "-- only a comment");

      assertThat(run.status()).isZero();
      assertThat(run.lines()).startsWith("effect:   UNKNOWN", "decision: DENY");
      assertThat(run.out()).contains("SQL_EMPTY");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        production  | SELECT 1                   | ALLOW
        production  | DELETE FROM t WHERE id = 1 | REQUIRE_APPROVAL
        production  | DROP TABLE t               | REQUIRE_APPROVAL
        production  | GRANT ALL ON t TO x        | DENY
        staging     | DELETE FROM t              | ALLOW
        replica     | DELETE FROM t WHERE id = 1 | DENY
        development | DROP TABLE t               | ALLOW
        """)
    void decides(String tier, String sql, String decision) {
      Run run = check("check", "--tier", tier, sql);

      assertThat(run.status()).isZero();
      assertThat(run.lines()).contains("decision: " + decision);
    }
  }

  @Nested
  class JsonLines {

    @Test
    void answersEveryLineInOrder() {
      Run run = jsonl(lines(
          "{\"id\": \"read\", \"sql\": \"SELECT 1\"}",
          "this is not JSON",
          "{\"id\": 42, \"query\": \"SELECT 1\"}",
          "",
          "{\"id\": \"oracle\", \"sql\": \"SELECT 1 FROM dual\", \"dialect\": \"oracle\"}",
          "   ",
          "{\"id\": \"mysql\", \"sql\": \"" + MYSQL_ONLY + "\", \"dialect\": \"mysql\"}",
          "{\"id\": \"pg\", \"sql\": \"" + MYSQL_ONLY + "\"}",
          "[\"sql\", \"SELECT 1\"]",
          "{\"id\": [1, {\"a\": null}], \"sql\": 7}",
          "{\"sql\": \"DELETE FROM t\", \"dialect\": \"H2\"}"));

      assertThat(run.status()).isZero();
      assertThat(run.err()).isEmpty();
      List<JsonNode> answers = run.json();
      assertThat(answers).hasSize(9);

      assertChecked(answers.get(0), "read", "READ", "ALLOW", 1);
      assertThat(codes(answers.get(0))).containsExactly("EFFECT_ALLOWED", "STATEMENT_KIND");

      assertError(answers.get(1), JSON.nullNode(), "line 2 is not valid JSON");
      assertError(answers.get(2), JSON.getNodeFactory().numberNode(42), "line 3 has no \"sql\"");
      assertError(answers.get(3), JSON.getNodeFactory().textNode("oracle"),
          "line 5: unknown dialect 'oracle'; use postgresql, mysql or h2");

      assertChecked(answers.get(4), "mysql", "UNKNOWN", "DENY", 1);
      assertThat(codes(answers.get(4))).containsExactly("EFFECT_DENIED", "EXECUTABLE_COMMENT");
      assertChecked(answers.get(5), "pg", "READ", "ALLOW", 1);

      assertError(answers.get(6), JSON.nullNode(), "line 9 is an array, not a JSON object");
      assertThat(answers.get(7).get("id").toString()).isEqualTo("[1,{\"a\":null}]");
      assertThat(answers.get(7).get("error").asText())
          .startsWith("line 10 has a \"sql\" that is a number");

      assertThat(answers.get(8).get("id").isNull()).isTrue();
      assertThat(answers.get(8).get("effect").asText()).isEqualTo("DESTRUCTIVE");
      assertThat(answers.get(8).get("decision").asText()).isEqualTo("REQUIRE_APPROVAL");
    }

    @Test
    void writesTheKeysInTheirOrder() {
      Run run = jsonl(lines("{\"id\": \"q1\", \"sql\": \"SELECT 1\"}", "{\"sql\": 1}", "nope"));

      assertThat(run.lines()).containsExactly(
          "{\"id\": \"q1\", \"effect\": \"READ\", \"decision\": \"ALLOW\", \"statements\": 1, "
              + "\"reasons\": [{\"code\": \"EFFECT_ALLOWED\", \"message\": \"READ is allowed on "
              + "production environment 'production'\"}, {\"code\": \"STATEMENT_KIND\", "
              + "\"message\": \"a query that only reads\"}]}",
          "{\"id\": null, \"error\": \"line 2 has a \\\"sql\\\" that is a number; give the "
              + "statement text as a JSON string, such as {\\\"id\\\": \\\"q1\\\", \\\"sql\\\": "
              + "\\\"SELECT 1\\\"}\"}",
          "{\"id\": null, \"error\": \"line 3 is not valid JSON (Unrecognized token 'nope': was "
              + "expecting (JSON String, Number, Array, Object or token 'null', 'true' or "
              + "'false')); write one JSON object per line, such as {\\\"id\\\": \\\"q1\\\", "
              + "\\\"sql\\\": \\\"SELECT 1\\\"}\"}");
    }

    @Test
    void echoesTheIdAsGiven() {
      Run run = jsonl(lines(
          "{\"id\": 12345678901234567890.50, \"sql\": \"SELECT 1\"}",
          "{\"id\": {\"file\": \"a.sql\", \"line\": 3}, \"sql\": \"SELECT 1\"}",
          "{\"id\": \"caf\u00e9 \\u2603\", \"sql\": \"SELECT 1\"}",
          "{\"id\": true, \"sql\": \"SELECT 1\"}"));

      assertThat(run.lines()).extracting(line -> line.substring(0, line.indexOf(", \"effect\"")))
          .containsExactly(
              "{\"id\": 12345678901234567890.50",
              "{\"id\": {\"file\": \"a.sql\", \"line\": 3}",
              "{\"id\": \"caf\u00e9 \u2603\"",
              "{\"id\": true");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        SELECT 1; SELECT 2                         | 2 | READ        | ALLOW
        SELECT 1;                                  | 1 | READ        | ALLOW
        -- only a comment                          | 0 | UNKNOWN     | DENY
        ""                                         | 0 | UNKNOWN     | DENY
        INSERT INTO t VALUES (1); DROP TABLE t     | 2 | DESTRUCTIVE | REQUIRE_APPROVAL
        """)
    void countsStatements(String sql, int statements, String effect, String decision)
        throws IOException {
      String line = JSON.writeValueAsString(java.util.Map.of("id", "x", "sql", sql));

      List<JsonNode> answers = jsonl(line + "\n").json();

      assertThat(answers).hasSize(1);
      assertChecked(answers.get(0), "x", effect, decision, statements);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        production | SELECT 1                   | ALLOW
        production | DELETE FROM t WHERE id = 1 | REQUIRE_APPROVAL
        production | DROP TABLE t               | REQUIRE_APPROVAL
        production | GRANT ALL ON t TO x        | DENY
        Staging    | DELETE FROM t              | ALLOW
        REPLICA    | SELECT 1                   | ALLOW
        replica    | INSERT INTO t VALUES (1)   | DENY
        """)
    void decidesForTheTier(String tier, String sql, String decision) throws IOException {
      String line = JSON.writeValueAsString(java.util.Map.of("id", "x", "sql", sql));

      JsonNode answer = jsonl(line + "\n", "--tier", tier).json().get(0);

      assertThat(answer.get("decision").asText()).isEqualTo(decision);
      assertThat(answer.get("reasons").get(0).get("message").asText())
          .contains(tier.toLowerCase(java.util.Locale.ROOT) + " environment");
    }

    @Test
    void aLinesDialectWinsOverTheOption() {
      Run run = jsonl(lines(
          "{\"id\": 1, \"sql\": \"" + MYSQL_ONLY + "\"}",
          "{\"id\": 2, \"sql\": \"" + MYSQL_ONLY + "\", \"dialect\": \"PostgreSQL\"}",
          "{\"id\": 3, \"sql\": \"" + MYSQL_ONLY + "\", \"dialect\": null}"),
          "--dialect", "mysql");

      assertThat(run.json()).extracting(answer -> answer.get("effect").asText())
          .containsExactly("UNKNOWN", "READ", "UNKNOWN");
    }

    @Test
    void anEmptyInputHasNoAnswer() {
      Run run = jsonl("\n  \n\t\n");

      assertThat(run.status()).isZero();
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEmpty();
    }

    @Test
    void theLastLineNeedsNoNewline() {
      assertThat(jsonl("{\"id\": 1, \"sql\": \"SELECT 1\"}").json()).hasSize(1);
    }

    @Test
    void aDuplicateKeyIsAnError() {
      List<JsonNode> answers =
          jsonl("{\"id\": 1, \"sql\": \"SELECT 1\", \"sql\": \"DROP TABLE t\"}\n").json();

      assertError(answers.get(0), JSON.nullNode(), "line 1 is not valid JSON (Duplicate field");
    }
  }

  @Nested
  class UsageErrors {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        check --bogus SELECT                | Unknown option: '--bogus'
        check                               | missing SQL
        check --jsonl SELECT                | give either SQL or --jsonl, not both
        check --dialect oracle SELECT       | unknown dialect 'oracle'; use postgresql, mysql or h2
        check --tier prod SELECT            | unknown tier 'prod'; use production, staging, development or replica
        check --jsonl --dialect oracle      | unknown dialect 'oracle'
        check --dialect                     | Missing required parameter for option '--dialect'
        check SELECT 1                      | Unmatched argument
        ''                                  | missing command
        frobnicate                          | Unmatched argument
        """)
    void exitWithTwo(String args, String message) {
      Run run = run("{\"sql\": \"SELECT 1\"}\n", args.isEmpty() ? new String[0] : args.split(" "));

      assertThat(run.status()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("airlock: ").contains(message).contains("--help");
    }

    @Test
    void aCommentTakenForAnOptionIsExplained() {
      Run run = check("check", "-- only a comment");

      assertThat(run.status()).isEqualTo(2);
      assertThat(run.err()).contains("goes after '--'");
    }
  }

  @Nested
  class Help {

    @Test
    void forTheCommandLine() {
      Run run = check("--help");

      assertThat(run.status()).isZero();
      assertThat(run.out()).contains("Usage: airlock", "check");
    }

    @Test
    void forCheck() {
      Run run = check("check", "--help");

      assertThat(run.status()).isZero();
      assertThat(run.out()).contains("--jsonl", "--dialect", "--tier", "Blank lines are skipped",
          "REQUIRE_APPROVAL");
    }

    @Test
    void throughTheHelpCommand() {
      assertThat(check("help", "check").out()).contains("Usage: airlock check");
    }

    @Test
    void theVersion() {
      Run run = check("--version");

      assertThat(run.status()).isZero();
      assertThat(run.out()).isEqualTo("airlock 0.1.0-SNAPSHOT\n");
      assertThat(check("check", "--version").out()).isEqualTo(run.out());
    }
  }

  private static void assertChecked(
      JsonNode answer, String id, String effect, String decision, int statements) {
    assertThat(answer.get("id").asText()).isEqualTo(id);
    assertThat(answer.has("error")).as("error: %s", answer.get("error")).isFalse();
    assertThat(answer.get("effect").asText()).isEqualTo(effect);
    assertThat(answer.get("decision").asText()).isEqualTo(decision);
    assertThat(answer.get("statements").asInt()).isEqualTo(statements);
    assertThat(answer.get("reasons")).isNotEmpty();
    for (JsonNode reason : answer.get("reasons")) {
      assertThat(reason.get("code").asText()).matches("[A-Z][A-Z0-9_]*");
      assertThat(reason.get("message").asText()).isNotBlank();
    }
  }

  private static void assertError(JsonNode answer, JsonNode id, String message) {
    assertThat(answer.get("id")).isEqualTo(id);
    assertThat(answer.get("error").asText()).startsWith(message);
    assertThat(answer.size()).isEqualTo(2);
  }

  private static List<String> codes(JsonNode answer) {
    List<String> codes = new ArrayList<>();
    answer.get("reasons").forEach(reason -> codes.add(reason.get("code").asText()));
    return codes;
  }
}
