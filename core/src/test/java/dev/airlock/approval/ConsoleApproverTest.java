package dev.airlock.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A person at a terminal, scripted: what they are shown, and how their answers are read. */
class ConsoleApproverTest {

  private static final String SQL = "DELETE FROM executives WHERE id > 0";

  private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(shown, true, StandardCharsets.UTF_8);

  private ApprovalDecision answer(String input) throws Exception {
    return answer(input, Requests.sql(SQL));
  }

  private ApprovalDecision answer(String input, ApprovalRequest request) throws Exception {
    ConsoleApprover approver = ConsoleApprover.of(
        new BufferedReader(new StringReader(input)), out, "alice");
    return approver.request(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String shown() {
    return shown.toString(StandardCharsets.UTF_8);
  }

  @Test
  void yesApprovesTheCeilingAskedFor() throws Exception {
    ApprovalDecision decision = answer("y\n\n");

    assertThat(decision).isEqualTo(new ApprovalDecision(true, "alice", null, null));
    assertThat(shown()).contains(ApprovalTexts.describe(Requests.sql(SQL)))
        .contains("Approve request 7f3a9c as alice? [y = yes, y <n> = yes for at most n rows,"
            + " anything else = no]: ")
        .contains("Comment (optional, Enter to skip): ")
        .endsWith("Request 7f3a9c approved by alice for at most 1206 rows.\n");
  }

  @Test
  void yesWithACommentKeepsTheComment() throws Exception {
    assertThat(answer("YES\n  checked the 1206 rows  \n"))
        .isEqualTo(ApprovalDecision.approve("alice", "checked the 1206 rows"));
  }

  @Test
  void yesWithANumberApprovesALowerCeiling() throws Exception {
    assertThat(answer("y 12\nonly the stale ones\n"))
        .isEqualTo(ApprovalDecision.approveUpTo("alice", 12, "only the stale ones"));
    assertThat(shown()).endsWith("Request 7f3a9c approved by alice for at most 12 rows.\n");
  }

  @Test
  void aHigherNumberThanAskedForDoesNotRaiseTheCeilingAndSaysSo() throws Exception {
    assertThat(answer("y 5000\n\n").maxRows()).isEqualTo(5000L);
    assertThat(shown()).endsWith("Request 7f3a9c approved by alice; the ceiling asked for, 1206"
        + " rows, is lower and holds.\n");
  }

  @Test
  void noRejectsWithTheComment() throws Exception {
    assertThat(answer("n\nthis is the whole table\n"))
        .isEqualTo(ApprovalDecision.reject("alice", "this is the whole table"));
    assertThat(shown()).endsWith("Request 7f3a9c rejected by alice.\n");
  }

  @Test
  void anEmptyAnswerRejects() throws Exception {
    assertThat(answer("\n\n")).isEqualTo(ApprovalDecision.reject("alice", null));
  }

  @Test
  void theEndOfTheInputRejectsSayingNoAnswerWasRead() throws Exception {
    assertThat(answer("")).isEqualTo(ApprovalDecision.reject("alice",
        "no answer was read: the console input ended"));
    assertThat(shown()).endsWith("No answer was read; request 7f3a9c is rejected.\n");
  }

  @Test
  void anythingElseRejectsAndRecordsTheAnswer() throws Exception {
    assertThat(answer("maybe")).isEqualTo(ApprovalDecision.reject("alice",
        "the answer 'maybe' is not yes"));
    assertThat(answer("y -3\nhmm\n")).isEqualTo(ApprovalDecision.reject("alice",
        "the answer 'y -3' is not yes; hmm"));
    assertThat(answer("y 12 13\n\n").approved()).isFalse();
    assertThat(answer("yes please\n\n").approved()).isFalse();
    assertThat(answer("y 99999999999999999999\n\n").approved()).isFalse();
  }

  @Test
  void charactersATerminalWouldActOnAreShownAsCodePoints() throws Exception {
    String sql = "UPDATE t SET note = '\u001b[2J\u001b[1A' WHERE id = 1";

    answer("n\n\n", Requests.sql(sql));

    assertThat(shown()).doesNotContain("\u001b")
        .contains("UPDATE t SET note = '<U+001B>[2J<U+001B>[1A' WHERE id = 1")
        .contains("(Characters a terminal would hide or act on are shown as <U+XXXX>.)");
  }

  @Test
  void requestReturnsAtOnceAndPromptsOneRequestAtATime() throws Exception {
    PipedWriter person = new PipedWriter();
    ConsoleApprover approver = ConsoleApprover.of(
        new BufferedReader(new PipedReader(person)), out, "alice");

    CompletableFuture<ApprovalDecision> first =
        approver.request(Requests.sql("DELETE FROM a")).toCompletableFuture();
    CompletableFuture<ApprovalDecision> second =
        approver.request(Requests.sql("DELETE FROM b")).toCompletableFuture();

    assertThat(first).isNotDone();
    person.write("y\n\n");
    person.flush();
    assertThat(first.get(10, TimeUnit.SECONDS).approved()).isTrue();
    person.write("n\n\n");
    person.flush();
    assertThat(second.get(10, TimeUnit.SECONDS).approved()).isFalse();
    String text = shown();
    assertThat(text.indexOf("DELETE FROM b")).isGreaterThan(text.indexOf("approved by alice"));
    person.close();
  }

  @Test
  void anInputErrorCompletesTheStageExceptionally() {
    Reader broken = new Reader() {
      @Override
      public int read(char[] buffer, int offset, int length) throws IOException {
        throw new IOException("terminal gone");
      }

      @Override
      public void close() {}
    };
    ConsoleApprover approver = ConsoleApprover.of(new BufferedReader(broken), out, "alice");

    assertThatThrownBy(() -> approver.request(Requests.sql(SQL)).toCompletableFuture()
        .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("terminal gone");
  }

  @Test
  void theSystemApproverIsOneInstanceInTheNameOfTheUser() {
    ConsoleApprover system = ConsoleApprover.system();

    assertThat(ConsoleApprover.system()).isSameAs(system);
    assertThat(system.principal()).isEqualTo(System.getProperty("user.name"));
    assertThat(system).hasToString("ConsoleApprover[" + System.getProperty("user.name") + "]");
  }

  @Test
  void badArgumentsAreRefusedWithClearMessages() {
    BufferedReader in = new BufferedReader(new StringReader(""));

    assertThatThrownBy(() -> ConsoleApprover.of(in, out, " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("principal");
    assertThatThrownBy(() -> ConsoleApprover.of(null, out, "alice"))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("in");
    assertThatThrownBy(() -> ConsoleApprover.of(in, out, "alice").request(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("request");
  }
}
