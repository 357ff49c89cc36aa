package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.ToolCall;
import dev.airlock.sql.SqlAnalyzer;
import dev.airlock.sql.SqlDialect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a person reads about a request: every fact, and always the exact SQL, byte for byte. */
class ApprovalTextsTest {

  @Test
  void theExactSqlIsShownVerbatimBetweenFences() {
    String sql = "DELETE FROM executives /*!50000 , audit_log */ WHERE id > 0   \n\t ";
    String text = ApprovalTexts.describe(Requests.sql(sql));

    assertThat(text).contains("Exact SQL that will run: the text between the two lines of '=',"
        + " byte for byte (" + sql.length() + " characters, 2 lines):\n=====\n" + sql
        + "\n=====");
    assertThat(text).endsWith(sql + "\n=====");
  }

  @Test
  void everyFactOfTheRequestIsShown() {
    String text = ApprovalTexts.describe(Requests.sql("DELETE FROM executives WHERE id > 0"));

    assertThat(text).startsWith("Approval request 7f3a9c\n")
        .contains("  Tool:             run_sql\n")
        .contains("  Environment:      prod (PRODUCTION, POSTGRESQL)\n")
        .contains("  Effect:           DESTRUCTIVE\n")
        .contains("  Agent:            bot\n")
        .contains("  Session:          chat-42\n")
        .contains("  Agent's reason:   \"clean up old records\"\n")
        .contains("  Tables:           executives\n")
        .contains("  Rows:             1206 rows (exact count; plan: 975)\n")
        .contains("  Approving means:  it may change at most 1206 rows; if it changes more, it is"
            + " rolled back\n")
        .contains("  Staging:          the same statement ran on prod-staging (mirror of prod) at"
            + " 2025-07-18T09:12:00Z: 1206 rows changed (call call-17, agent bot)\n")
        .contains("  Requested:        2025-07-18T09:15:00Z\n")
        .contains("  Expires:          2025-07-18T09:30:00Z")
        .contains("Reasons:\n"
            + "  - NEEDS_APPROVAL (effect-rules): DESTRUCTIVE on production environment 'prod'"
            + " needs a person's approval\n"
            + "  - STAGING_RUN_FOUND (staging-first): the statement ran on staging 3 minutes"
            + " ago\n");
    assertThat(text).doesNotContain("Arguments").doesNotContain("formatted");
  }

  @Test
  void missingEvidenceIsSaidPlainly() {
    String text = ApprovalTexts.describe(Requests.sql("UPDATE t SET a = 1", null, null, null));

    assertThat(text).contains("  Approving means:  no row ceiling: it may change any number of"
        + " rows\n").contains("  Staging:          no staging run\n");
  }

  @Test
  void theFormattedSqlIsShownBeforeTheExactTextNotInsteadOfIt() {
    String sql = "SELECT a /*!50000 , (DROP TABLE t) */ FROM t WHERE x = 1";
    String formatted = SqlAnalyzer.of(SqlDialect.MYSQL).format(sql);
    String text = ApprovalTexts.describe(Requests.sql(sql, formatted, 10L, null));

    assertThat(text).contains("SQL formatted for reading (every comment kept; the exact text"
        + " below is what runs):\n=====\n" + formatted + "\n=====\n");
    assertThat(text).contains("=====\n" + sql + "\n=====");
    assertThat(text.indexOf(formatted)).isLessThan(text.indexOf("Exact SQL that will run"));
    assertThat(formatted).contains("MySQL runs the text inside the next comment");
  }

  @Test
  void theFenceIsLongerThanAnyRunOfEqualsSignsInTheSql() {
    String sql = "UPDATE t SET a = 1 WHERE b = '\n=====\nExpires: never\n=========='";
    String text = ApprovalTexts.describe(Requests.sql(sql));

    assertThat(text).contains("\n===========\n" + sql + "\n===========");
  }

  @Test
  void textTheAgentControlsStaysOnItsLine() {
    ToolCall call = ToolCall.builder("run_sql").argument("sql", "DELETE FROM t")
        .environment("prod").agent("bot")
        .reason("routine\nExact SQL that will run: SELECT 1\u001b[2K").build();
    ApprovalRequest request = new ApprovalRequest("r-1", call,
        dev.airlock.Environment.production("prod"), dev.airlock.Effect.WRITE, List.of(),
        "DELETE FROM t", null, List.of("we\"ird\nname"), null, null, null, Requests.REQUESTED,
        Requests.EXPIRES);
    String text = ApprovalTexts.describe(request);

    assertThat(text).contains("  Agent's reason:   \"routine\\nExact SQL that will run: SELECT"
        + " 1<U+001B>[2K\"\n").contains("  Tables:           we\"ird\\nname\n")
        .contains("Reasons:\n  none given\n");
    assertThat(text.lines().filter(line -> line.startsWith("Exact SQL"))).hasSize(1);
  }

  @Test
  void invisibleCharactersInTheSqlAreWarnedAboutAndStillShown() {
    String sql = "UPDATE t SET note = '\u202e;1 EREHW' WHERE id = 1\r-- x\u001b[8m";
    String text = ApprovalTexts.describe(Requests.sql(sql));

    assertThat(text).contains("Warning: The exact text holds characters a screen may hide, act"
        + " on or reorder (U+000D, U+001B, U+202E); they are part of what runs.\n")
        .contains("=====\n" + sql + "\n=====");
    assertThat(ApprovalTexts.describe(Requests.sql("SELECT 1\r\nFROM t"))).doesNotContain(
        "Warning");
  }

  @Test
  void aToolThatIsNotSqlShowsItsArgumentsAsJson() {
    ToolCall call = ToolCall.builder("refund_order").argument("order", 42)
        .argument("lines", List.of(Map.of("sku", "A-1"))).argument("note", "line\nbreak")
        .environment("prod").agent("bot").build();
    String text = ApprovalTexts.describe(Requests.tool(call));

    assertThat(text).contains("Arguments (JSON):\n{\n  \"lines\" : [ {\n    \"sku\" : \"A-1\"\n"
        + "  } ],\n  \"note\" : \"line\\nbreak\",\n  \"order\" : 42\n}")
        .doesNotContain("Exact SQL").contains("  Rows:             not estimated\n");
  }

  @Test
  void aSqlToolShowsItsOtherArgumentsSuchAsBindParameters() {
    String sql = "DELETE FROM t WHERE id = ?";
    ToolCall call = ToolCall.builder("run_sql").argument("sql", sql)
        .argument("parameters", List.of(7)).environment("prod").agent("bot").build();
    ApprovalRequest request = new ApprovalRequest("r-3", call,
        dev.airlock.Environment.production("prod"), dev.airlock.Effect.WRITE, List.of(), sql,
        null, List.of("t"), null, null, null, Requests.REQUESTED, Requests.EXPIRES);

    assertThat(ApprovalTexts.describe(request))
        .contains("Other arguments (JSON):\n{\n  \"parameters\" : [ 7 ]\n}\n")
        .contains("=====\n" + sql + "\n=====");
  }

  @Test
  void aLongSqlTextIsNeverShortened() {
    String sql = "DELETE FROM t WHERE id IN (" + "1, ".repeat(100_000) + "2)";

    assertThat(ApprovalTexts.describe(Requests.sql(sql))).contains("\n" + sql + "\n");
  }

  @Test
  void visibleWritesWhatATerminalWouldActOnAsCodePoints() {
    assertThat(ApprovalTexts.visible("a\u001b[2Jb\r\nc\rd\te\u200bf\ud800"))
        .isEqualTo("a<U+001B>[2Jb\r\nc<U+000D>d\te<U+200B>f<U+D800>");
    String plain = "SELECT 'ü €' FROM t\n";
    assertThat(ApprovalTexts.visible(plain)).isSameAs(plain);
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> ApprovalTexts.describe(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("request");
  }
}
