package dev.airlock.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentReplayTest {

  @Test
  void productionKeepsEveryExecutiveWhileStagingRunsTheDelete(@TempDir Path dir) throws Exception {
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
    assertThat(lines).contains("  Outcome:  ran on staging. The agent reads:",
        "            OK: 1206 row(s) changed.");
    assertThat(audit).exists().isNotEmptyFile();
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
