package dev.airlock.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.airlock.audit.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentReplayTest {

  @Test
  void theWholeGateKeepsEveryExecutiveOnProduction(@TempDir Path dir) throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    IncidentReplay.Result result;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      result = IncidentReplay.replay(audit, out);
    }

    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).last()
        .isEqualTo("RESULT: executives before=1206 after=1206 fake_rows_inserted=0");
    assertThat(result.line())
        .isEqualTo("RESULT: executives before=1206 after=1206 fake_rows_inserted=0");
    assertThat(result.stagingExecutivesAfter()).isZero();
    String text = String.join("\n", lines);
    // Step 2: refused for lack of a staging run; step 3: it runs on staging.
    assertThat(text).contains("Refused by Airlock (staging-first, STAGING_RUN_REQUIRED)");
    assertThat(lines).contains("  Outcome:  ran on staging. The agent reads:",
        "            OK: 1206 row(s) changed.");
    // Steps 4 and 5: the person sees 1,206 rows on staging against 1,206 on production.
    assertThat(text).contains("a person must approve request",
        "Rows:             1206 rows (exact count",
        "1206 rows changed (call", "oncall@example.com rejects request");
    // Step 6: the budget, then the auto-kill, stop the invented rows.
    assertThat(lines).anySatisfy(line -> assertThat(line).matches(
        "    INSERT +1-9 +9 x NEEDS_APPROVAL, a request waits"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches(
        "    INSERT +10-\\d+ +\\d+ x DENY WRITE_BUDGET_EXCEEDED"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches(
        "    INSERT +\\d+-4000 +\\d+ x DENY KILL_SWITCH"));
    assertThat(text).contains("Kill switch: engaged for replit-agent by airlock (auto-kill)");
    String log = Files.readString(audit);
    assertThat(log).contains("\"auto-kill\"", "\"approval-request\"", "\"staging-run\"",
        "\"REJECTED\"");
    assertThat(AuditLog.verify(audit).intact()).isTrue();
  }

  @Test
  void auditFileDefaultsToTheWorkingDirectory() {
    assertThat(IncidentReplay.auditFile(new String[0]))
        .isEqualTo(Path.of("airlock-audit.jsonl").toAbsolutePath());
    assertThat(IncidentReplay.auditFile(new String[] {"--audit", "x.jsonl"}))
        .isEqualTo(Path.of("x.jsonl").toAbsolutePath());
  }

  @Test
  void unknownOrIncompleteArgumentsAreRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IncidentReplay.auditFile(new String[] {"--audit"}))
        .withMessage("--audit needs a file name");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> IncidentReplay.auditFile(new String[] {"--verbose"}))
        .withMessage("unknown argument: --verbose");
  }
}
