package dev.airlock.approval;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An {@link Approver} for a person at a terminal: shows each request as {@link
 * ApprovalTexts#describe(ApprovalRequest)} describes it and reads the answer from a line of input.
 *
 * <p>Answers: {@code y} or {@code yes} approves; {@code y 12} approves with a row ceiling of 12
 * ({@link ApprovalDecision#approveUpTo(String, long, String)}; the lower of it and the ceiling
 * asked for holds); anything else, an empty line included, rejects. A second line is an optional
 * comment. The end of the input rejects, with a comment saying that no answer was read; an error
 * reading the input completes the stage exceptionally, which Airlock turns into a refusal ({@code
 * APPROVER_ERROR}). Every decision is made in the name of the principal given at construction: the
 * person at the terminal.
 *
 * <pre>{@code
 * Airlock airlock = Airlock.builder()
 *     .environment(Environment.production("orders-db"))
 *     .approver(ConsoleApprover.system())
 *     .auditLog(Path.of("airlock-audit.jsonl"))
 *     .build();
 * }</pre>
 *
 * <p>Characters a terminal would hide or act on (escape sequences, a lone carriage return,
 * bidirectional overrides, zero-width spaces) are written as {@code <U+XXXX>}, so the text on the
 * screen is the text that runs; everything else is written as it is.
 *
 * <p>Thread-safe. {@link #request(ApprovalRequest)} returns at once; prompts run one at a time, in
 * the order asked, on the approver's own daemon thread, which ends when it has been idle for 30
 * seconds. A request that Airlock stopped waiting for (its approval timeout) still holds the
 * console until it is answered.
 */
public final class ConsoleApprover implements Approver {

  private static ConsoleApprover system;

  private final BufferedReader in;
  private final PrintStream out;
  private final String principal;
  private final ThreadPoolExecutor prompts;

  private ConsoleApprover(BufferedReader in, PrintStream out, String principal) {
    this.in = in;
    this.out = out;
    this.principal = principal;
    this.prompts = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread thread = new Thread(task, "airlock-console-approver");
          thread.setDaemon(true);
          return thread;
        });
    this.prompts.allowCoreThreadTimeOut(true);
  }

  /**
   * An approver that reads answers from {@code in} and writes requests and prompts to {@code out}.
   *
   * @param in where the person's answers come from, one per line
   * @param out where requests and prompts are shown
   * @param principal who decides: the person at the terminal, e.g. {@code "alice@example.com"}
   * @return the approver
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code principal} is blank
   */
  public static ConsoleApprover of(BufferedReader in, PrintStream out, String principal) {
    Objects.requireNonNull(in, "in must not be null");
    Objects.requireNonNull(out, "out must not be null");
    Objects.requireNonNull(principal, "principal must not be null");
    if (principal.isBlank()) {
      throw new IllegalArgumentException("principal must name the person at the terminal, but was"
          + " blank");
    }
    return new ConsoleApprover(in, out, principal.strip());
  }

  /**
   * The approver of this process's terminal: {@code System.in} and {@code System.out}, with the
   * operating system's user ({@code user.name}) as the principal. Every call returns the same
   * instance, so that two approvers never read from {@code System.in} at once.
   *
   * @return the approver
   * @throws IllegalStateException if the {@code user.name} system property is not set
   */
  public static synchronized ConsoleApprover system() {
    if (system == null) {
      String user = System.getProperty("user.name");
      if (user == null || user.isBlank()) {
        throw new IllegalStateException("ConsoleApprover.system() decides in the name of the"
            + " user.name system property, but it is not set; use ConsoleApprover.of(in, out,"
            + " principal)");
      }
      Console console = System.console();
      Charset charset = console != null ? console.charset() : Charset.defaultCharset();
      system = of(new BufferedReader(new InputStreamReader(System.in, charset)), System.out, user);
    }
    return system;
  }

  /**
   * Queues the request for the console and returns at once.
   *
   * @param request what needs approval
   * @return a stage completed with the person's decision, or exceptionally if the input cannot be
   *     read
   * @throws NullPointerException if {@code request} is null
   */
  @Override
  public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
    Objects.requireNonNull(request, "request must not be null");
    CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
    prompts.execute(() -> {
      try {
        answer.complete(ask(request));
      } catch (IOException | RuntimeException e) {
        answer.completeExceptionally(e);
      } catch (Error e) {
        answer.completeExceptionally(e);
        throw e;
      }
    });
    return answer;
  }

  /**
   * The principal decisions are made in the name of.
   *
   * @return the person at the terminal
   */
  public String principal() {
    return principal;
  }

  private ApprovalDecision ask(ApprovalRequest request) throws IOException {
    String id = ApprovalTexts.visible(request.requestId());
    out.println();
    String text = ApprovalTexts.describe(request);
    String shown = ApprovalTexts.visible(text);
    out.println(shown);
    if (!shown.equals(text)) {
      out.println("(Characters a terminal would hide or act on are shown as <U+XXXX>.)");
    }
    out.print("Approve request " + id + " as " + principal
        + "? [y = yes, y <n> = yes for at most n rows, anything else = no]: ");
    out.flush();
    String answer = in.readLine();
    if (answer == null) {
      out.println();
      out.println("No answer was read; request " + id + " is rejected.");
      out.flush();
      return ApprovalDecision.reject(principal, "no answer was read: the console input ended");
    }
    out.print("Comment (optional, Enter to skip): ");
    out.flush();
    String typed = in.readLine();
    String comment = typed == null || typed.isBlank() ? null : typed.strip();
    ApprovalDecision decision = decide(answer, comment);
    out.println(confirmation(id, decision, request));
    out.flush();
    return decision;
  }

  /** Reads an answer line: y, yes, y N or yes N approve; anything else rejects. */
  private ApprovalDecision decide(String answer, String comment) {
    String[] words = answer.strip().toLowerCase(Locale.ROOT).split("\\s+");
    boolean yes = words[0].equals("y") || words[0].equals("yes");
    if (yes && words.length == 1) {
      return ApprovalDecision.approve(principal, comment);
    }
    if (yes && words.length == 2 && words[1].matches("[0-9]{1,18}")) {
      return ApprovalDecision.approveUpTo(principal, Long.parseLong(words[1]), comment);
    }
    boolean no = words.length == 1
        && (words[0].isEmpty() || words[0].equals("n") || words[0].equals("no"));
    if (no) {
      return ApprovalDecision.reject(principal, comment);
    }
    String why = "the answer '" + answer.strip() + "' is not yes";
    return ApprovalDecision.reject(principal, comment == null ? why : why + "; " + comment);
  }

  private static String confirmation(String id, ApprovalDecision decision,
      ApprovalRequest request) {
    if (!decision.approved()) {
      return "Request " + id + " rejected by " + decision.by() + ".";
    }
    Long asked = request.maxRows();
    Long given = decision.maxRows();
    if (given == null) {
      return "Request " + id + " approved by " + decision.by()
          + (asked == null ? "." : " for at most " + asked + " rows.");
    }
    if (asked != null && asked < given) {
      return "Request " + id + " approved by " + decision.by() + "; the ceiling asked for, "
          + asked + " rows, is lower and holds.";
    }
    return "Request " + id + " approved by " + decision.by() + " for at most " + given + " rows.";
  }

  @Override
  public String toString() {
    return "ConsoleApprover[" + principal + "]";
  }
}
