package dev.airlock.audit;

import static dev.airlock.audit.LogFiles.lines;
import static dev.airlock.audit.LogFiles.writeLines;
import static dev.airlock.audit.LogFiles.writeSteps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  private static final byte[] KEY = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  @Test
  void freshLogVerifiesIntact() {
    AuditHead head = writeSteps(log(), 5);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isTrue();
    assertThat(v.linesChecked()).isEqualTo(5);
    assertThat(v.head()).isEqualTo(head);
    assertThat(v.head().sequence()).isEqualTo(5);
    assertThat(v.firstBadLine()).isZero();
    assertThat(v.problem()).isNull();
    assertThat(v.recoveredLines()).isEmpty();
  }

  @Test
  void emptyFileIsIntactWithNoLines() {
    LogFiles.write(log(), "");

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isTrue();
    assertThat(v.linesChecked()).isZero();
    assertThat(v.head()).isEqualTo(new AuditHead(0, "0".repeat(64)));
  }

  @Test
  void missingFileThrows() {
    assertThatThrownBy(() -> AuditLog.verify(dir.resolve("nope.jsonl")))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("nope.jsonl")
        .hasMessageContaining("does not exist");
  }

  @Test
  void editedLineBreaksTheChain() {
    writeSteps(log(), 5);
    List<String> lines = lines(log());
    lines.set(2, lines.get(2).replace("\"n\":3", "\"n\":4"));
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(3);
    assertThat(v.problem()).isEqualTo("line 3: hash does not match its content (edited?)");
    assertThat(v.head().sequence()).isEqualTo(2);
  }

  @Test
  void reformattedLineBreaksTheChain() {
    writeSteps(log(), 3);
    List<String> lines = lines(log());
    lines.set(1, lines.get(1).replace(",", ", "));
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.firstBadLine()).isEqualTo(2);
    assertThat(v.problem()).startsWith("line 2: not in canonical form");
  }

  @Test
  void deletedLineBreaksTheChain() {
    writeSteps(log(), 5);
    List<String> lines = lines(log());
    lines.remove(2);
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(3);
    assertThat(v.problem()).startsWith("line 3: seq 4 follows 2 (a line was deleted");
  }

  @Test
  void deletedFirstLineBreaksTheChain() {
    writeSteps(log(), 3);
    List<String> lines = lines(log());
    lines.remove(0);
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.firstBadLine()).isEqualTo(1);
    assertThat(v.problem()).startsWith("line 1: seq 2, but a log starts at seq 1");
  }

  @Test
  void reorderedLinesBreakTheChain() {
    writeSteps(log(), 5);
    List<String> lines = lines(log());
    String third = lines.get(2);
    lines.set(2, lines.get(3));
    lines.set(3, third);
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(3);
    assertThat(v.problem()).startsWith("line 3: seq 4 follows 2");
  }

  @Test
  void insertedLineBreaksTheChain() {
    writeSteps(log(), 5);
    List<String> lines = lines(log());
    lines.add(4, lines.get(1));
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(5);
    assertThat(v.problem()).isEqualTo(
        "line 5: seq 2 follows 4 (a line was inserted, copied or reordered)");
  }

  @Test
  void lineWithRightSeqButForeignPrevBreaksTheChain() {
    Path other = dir.resolve("other.jsonl");
    writeSteps(other, 3);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).build()) {
      sink.append(LogFiles.step(1));
      sink.append(LogFiles.step(20));
      sink.append(LogFiles.step(30));
    }
    List<String> lines = lines(log());
    lines.set(1, lines(other).get(1));
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.firstBadLine()).isEqualTo(2);
    assertThat(v.problem()).isEqualTo("line 2: prev does not match line 1's hash"
        + " (a line was deleted, inserted or reordered)");
  }

  @Test
  void tornLastLineIsReportedNotAccepted() {
    writeSteps(log(), 4);
    LogFiles.truncate(log(), LogFiles.size(log()) - 20);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isFalse();
    assertThat(v.linesChecked()).isEqualTo(4);
    assertThat(v.firstBadLine()).isEqualTo(4);
    assertThat(v.problem())
        .startsWith("line 4: cut off (no line end)")
        .contains("the writer probably crashed mid-write")
        .contains("no recovery event follows it");
    assertThat(v.head().sequence()).isEqualTo(3);
    assertThat(v.recoveredLines()).isEmpty();
  }

  @Test
  void garbageLastLineIsReportedAsNotJson() {
    writeSteps(log(), 2);
    LogFiles.appendRaw(log(), "{\"seq\":3,\"ty\n");

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.firstBadLine()).isEqualTo(3);
    assertThat(v.problem()).startsWith("line 3: not valid JSON (");
  }

  @Test
  void tornLineInTheMiddleBreaksTheChain() {
    writeSteps(log(), 4);
    List<String> lines = lines(log());
    lines.set(1, lines.get(1).substring(0, 30));
    writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.firstBadLine()).isEqualTo(2);
    assertThat(v.problem()).startsWith("line 2: not valid JSON").doesNotContain("crashed");
  }

  @Test
  void rightKeyVerifies() {
    writeSignedSteps(4);

    AuditVerification v = AuditLog.verify(log(), VerifyOptions.builder().hmacKey(KEY).build());

    assertThat(v.intact()).isTrue();
    assertThat(v.linesChecked()).isEqualTo(4);
  }

  @Test
  void wrongKeyFails() {
    writeSignedSteps(4);
    byte[] wrong = "another key".getBytes(StandardCharsets.UTF_8);

    AuditVerification v = AuditLog.verify(log(), VerifyOptions.builder().hmacKey(wrong).build());

    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(1);
    assertThat(v.problem()).startsWith("line 1: hmac does not match");
  }

  @Test
  void logRewrittenWithoutTheKeyPassesTheChainButFailsTheHmac() throws Exception {
    writeSignedSteps(4);
    // The forger knows the format but not the key: recompute every hash, drop the hmacs.
    ObjectMapper json = new ObjectMapper()
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    TypeReference<Map<String, Object>> object = new TypeReference<>() {};
    List<String> forged = new ArrayList<>();
    String prev = "0".repeat(64);
    for (String line : lines(log())) {
      Map<String, Object> fields = new TreeMap<>(json.readValue(line, object));
      fields.remove("hash");
      fields.remove("hmac");
      fields.put("by", "mallory");
      fields.put("prev", prev);
      String hash = LogFiles.sha256(json.writeValueAsBytes(fields));
      fields.put("hash", hash);
      forged.add(json.writeValueAsString(fields));
      prev = hash;
    }
    writeLines(log(), forged);

    assertThat(AuditLog.verify(log()).intact()).isTrue();
    AuditVerification signed =
        AuditLog.verify(log(), VerifyOptions.builder().hmacKey(KEY).build());
    assertThat(signed.intact()).isFalse();
    assertThat(signed.firstBadLine()).isEqualTo(1);
    assertThat(signed.problem()).startsWith("line 1: has no hmac");
  }

  @Test
  void hmacIsTheKeyedHashOfTheHash() throws Exception {
    writeSignedSteps(1);
    Map<?, ?> line = new ObjectMapper().readValue(lines(log()).get(0), Map.class);

    assertThat(line.get("hmac")).isEqualTo(LogFiles.hmac(KEY, (String) line.get("hash")));
  }

  @Test
  void recordedHeadIsFound() {
    AuditHead recorded = writeSteps(log(), 3);
    writeMoreSteps(2);

    AuditVerification v = AuditLog.verify(log(),
        VerifyOptions.builder().expectedHeadHash(recorded.hash().toUpperCase()).build());

    assertThat(v.intact()).isTrue();
    assertThat(v.head().sequence()).isEqualTo(5);
  }

  @Test
  void cuttingOffTheTailLosesTheRecordedHead() {
    AuditHead recorded = writeSteps(log(), 5);
    List<String> lines = lines(log());
    writeLines(log(), lines.subList(0, 3));

    AuditVerification bare = AuditLog.verify(log());
    AuditVerification v = AuditLog.verify(log(),
        VerifyOptions.builder().expectedHeadHash(recorded.hash()).build());

    assertThat(bare.intact()).as("a cut-off chain is still a chain").isTrue();
    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isZero();
    assertThat(v.linesChecked()).isEqualTo(3);
    assertThat(v.problem()).isEqualTo("expected head hash " + recorded.hash()
        + " is not in the log (the log was cut off or rewritten)");
  }

  @Test
  void emptyLogHeadIsFoundInAnyLog() {
    writeSteps(log(), 1);

    AuditVerification v = AuditLog.verify(log(),
        VerifyOptions.builder().expectedHeadHash(AuditHead.empty().hash()).build());

    assertThat(v.intact()).isTrue();
  }

  @Test
  void expectedHeadHashMustBeAHash() {
    assertThatThrownBy(() -> VerifyOptions.builder().expectedHeadHash("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expectedHeadHash")
        .hasMessageContaining("'abc'");
  }

  @Test
  void optionsNeverShowTheKey() {
    assertThat(VerifyOptions.builder().hmacKey(KEY).build().toString())
        .doesNotContain("horse")
        .contains("hmac=true");
  }

  private void writeSignedSteps(int count) {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).hmacKey(KEY).build()) {
      for (int i = 1; i <= count; i++) {
        sink.append(LogFiles.step(i));
      }
    }
  }

  private void writeMoreSteps(int count) {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).build()) {
      for (int i = 1; i <= count; i++) {
        sink.append(LogFiles.step(100 + i));
      }
    }
  }
}
