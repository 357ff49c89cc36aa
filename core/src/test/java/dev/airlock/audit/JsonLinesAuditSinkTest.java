package dev.airlock.audit;

import static dev.airlock.audit.LogFiles.CLOCK;
import static dev.airlock.audit.LogFiles.lines;
import static dev.airlock.audit.LogFiles.step;
import static dev.airlock.audit.LogFiles.writeSteps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSinkTest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final String ZEROS = "0".repeat(64);

  @TempDir Path dir;

  private Path log() {
    return dir.resolve("audit.jsonl");
  }

  private JsonLinesAuditSink open() {
    return JsonLinesAuditSink.builder(log()).clock(CLOCK).build();
  }

  @Test
  void lineIsCanonicalJsonOfTheEventAndTheChainFields() {
    try (JsonLinesAuditSink sink = open()) {
      sink.append(step(1));
    }

    String signed = "{\"by\":\"test\",\"n\":1,\"prev\":\"" + ZEROS
        + "\",\"seq\":1,\"ts\":\"2026-11-25T10:15:30.123Z\",\"type\":\"step\"}";
    String hash = LogFiles.sha256(signed.getBytes(StandardCharsets.UTF_8));
    assertThat(LogFiles.read(log())).isEqualTo("{\"by\":\"test\",\"hash\":\"" + hash
        + "\",\"n\":1,\"prev\":\"" + ZEROS
        + "\",\"seq\":1,\"ts\":\"2026-11-25T10:15:30.123Z\",\"type\":\"step\"}\n");
  }

  @Test
  void eachLineNamesThePreviousLinesHash() throws Exception {
    writeSteps(log(), 3);

    List<Map<String, Object>> lines = parsedLines();
    assertThat(lines).extracting(l -> l.get("seq")).containsExactly(1, 2, 3);
    assertThat(lines.get(0).get("prev")).isEqualTo(ZEROS);
    assertThat(lines.get(1).get("prev")).isEqualTo(lines.get(0).get("hash"));
    assertThat(lines.get(2).get("prev")).isEqualTo(lines.get(1).get("hash"));
  }

  @Test
  void headIsTheLastLineWritten() throws Exception {
    try (JsonLinesAuditSink sink = open()) {
      assertThat(sink.head()).isEqualTo(new AuditHead(0, ZEROS));
      sink.append(step(1));
      sink.append(step(2));

      assertThat(sink.head().sequence()).isEqualTo(2);
      assertThat(sink.head().hash()).isEqualTo(parsedLines().get(1).get("hash"));
    }
  }

  @Test
  void reopeningAnIntactLogContinuesTheChain() throws Exception {
    AuditHead old = writeSteps(log(), 3);

    try (JsonLinesAuditSink sink = open()) {
      assertThat(sink.head()).isEqualTo(old);
      sink.append(step(4));
    }

    Map<String, Object> fourth = parsedLines().get(3);
    assertThat(fourth.get("seq")).isEqualTo(4);
    assertThat(fourth.get("prev")).isEqualTo(old.hash());
    assertThat(AuditLog.verify(log()).intact()).isTrue();
  }

  @Test
  void reopeningATornLogWritesARecoveryEventAndVerifiesIntact() throws Exception {
    writeSteps(log(), 3);
    List<String> before = lines(log());
    LogFiles.truncate(log(), LogFiles.size(log()) - 25);
    byte[] torn = lines(log()).get(2).getBytes(StandardCharsets.UTF_8);

    try (JsonLinesAuditSink sink = open()) {
      sink.append(step(4));
    }

    List<String> after = lines(log());
    assertThat(after).hasSize(5);
    assertThat(after.subList(0, 2)).isEqualTo(before.subList(0, 2));
    assertThat(after.get(2).getBytes(StandardCharsets.UTF_8)).as("torn bytes kept").isEqualTo(torn);
    Map<String, Object> recovery = JSON.readValue(after.get(3), OBJECT);
    assertThat(recovery).containsEntry("type", "recovery")
        .containsEntry("seq", 3)
        .containsEntry("tornLine", 3)
        .containsEntry("tornBytes", torn.length)
        .containsEntry("tornSha256", LogFiles.sha256(torn))
        .containsEntry("prev", JSON.readValue(before.get(1), OBJECT).get("hash"));
    assertThat(JSON.readValue(after.get(4), OBJECT)).containsEntry("seq", 4).containsEntry("n", 4);

    AuditVerification v = AuditLog.verify(log());
    assertThat(v.intact()).isTrue();
    assertThat(v.linesChecked()).isEqualTo(5);
    assertThat(v.head().sequence()).isEqualTo(4);
    assertThat(v.recoveredLines()).containsExactly(
        new AuditVerification.TornLine(3, torn.length, LogFiles.sha256(torn)));
  }

  @Test
  void tornFirstLineIsRecoveredFromTheStart() {
    writeSteps(log(), 1);
    LogFiles.truncate(log(), 10);

    try (JsonLinesAuditSink sink = open()) {
      assertThat(sink.head().sequence()).isEqualTo(1);
    }

    AuditVerification v = AuditLog.verify(log());
    assertThat(v.intact()).isTrue();
    assertThat(v.recoveredLines()).extracting(AuditVerification.TornLine::line).containsExactly(1L);
  }

  @Test
  void terminatedGarbageAtTheEndIsRefusedNotRecovered() {
    // A crash leaves the last line without its line end; a complete bad line was put there.
    writeSteps(log(), 2);
    LogFiles.appendRaw(log(), "\0\0\0\0\n");

    assertThatThrownBy(this::open)
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("line 3: not valid JSON")
        .hasMessageContaining("not one cut off by a crash");
    assertThat(AuditLog.verify(log()).firstBadLine()).isEqualTo(3);
  }

  @Test
  void crashDuringRecoveryIsRecoveredAsOneTornStretch() {
    writeSteps(log(), 2);
    LogFiles.appendRaw(log(), "{\"by\":\"te");
    // The next writer ended the torn line and crashed while writing its recovery event.
    LogFiles.appendRaw(log(), "\n{\"hash\":\"ab");
    String stretch = "{\"by\":\"te\n{\"hash\":\"ab";

    open().close();

    AuditVerification v = AuditLog.verify(log());
    assertThat(v.intact()).isTrue();
    assertThat(v.linesChecked()).isEqualTo(5);
    assertThat(v.recoveredLines()).containsExactly(new AuditVerification.TornLine(
        3, stretch.length(), LogFiles.sha256(stretch.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void tornLineEditedAfterRecoveryBreaksTheChain() {
    writeSteps(log(), 2);
    LogFiles.appendRaw(log(), "{\"by\":\"te");
    open().close();
    List<String> lines = lines(log());
    lines.set(2, "{\"by\":\"tx");
    LogFiles.writeLines(log(), lines);

    AuditVerification v = AuditLog.verify(log());

    assertThat(v.intact()).isFalse();
    assertThat(v.firstBadLine()).isEqualTo(3);
  }

  @Test
  void openingALogWithAnEditedMiddleLineRefusesNamingTheLine() {
    writeSteps(log(), 4);
    List<String> lines = lines(log());
    lines.set(1, lines.get(1).replace("\"by\":\"test\"", "\"by\":\"mallory\""));
    LogFiles.writeLines(log(), lines);
    String edited = LogFiles.read(log());

    assertThatThrownBy(this::open)
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("cannot be continued")
        .hasMessageContaining("line 2: hash does not match its content (edited?)");
    assertThat(LogFiles.read(log())).as("left as it was").isEqualTo(edited);
  }

  @Test
  void openingALogWithAnEditedLastLineRefusesNamingTheLine() {
    writeSteps(log(), 3);
    List<String> lines = lines(log());
    lines.set(2, lines.get(2).replace("\"n\":3", "\"n\":9"));
    LogFiles.writeLines(log(), lines);
    String edited = LogFiles.read(log());

    assertThatThrownBy(this::open)
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("line 3: hash does not match its content (edited?)");
    assertThat(LogFiles.read(log())).as("left as it was").isEqualTo(edited);
    AuditVerification v = AuditLog.verify(log());
    assertThat(v.intact()).isFalse();
    assertThat(v.recoveredLines()).isEmpty();
  }

  @Test
  void openingAnUnsignedLogWithAKeyRefuses() {
    writeSteps(log(), 2);

    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).hmacKey(new byte[] {1}).build())
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("line 1: has no hmac");
  }

  @Test
  void secondSinkOnTheSameFileFails() {
    try (JsonLinesAuditSink first = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(AuditException.class)
          .hasMessageContaining("is in use by another writer");
      first.append(step(1));
    }
    try (JsonLinesAuditSink again = open()) {
      again.append(step(2));
    }
    assertThat(AuditLog.verify(log()).linesChecked()).isEqualTo(2);
  }

  @Test
  void secondSinkThroughASymlinkFails() throws Exception {
    Path link = dir.resolve("link.jsonl");
    try (JsonLinesAuditSink first = open()) {
      first.append(step(1));
      Files.createSymbolicLink(link, log());

      assertThatThrownBy(() -> JsonLinesAuditSink.builder(link).build())
          .isInstanceOf(AuditException.class)
          .hasMessageContaining("is in use by another writer");
    }
  }

  @Test
  void anotherProcessCannotOpenALogThisProcessWrites() throws Exception {
    try (JsonLinesAuditSink sink = open()) {
      sink.append(step(1));
      // Neither a refused second sink nor a verification may drop this process's lock.
      assertThatThrownBy(this::open).isInstanceOf(AuditException.class);
      AuditLog.verify(log());

      Probe refused = probe();
      assertThat(refused.exitCode()).as(refused.output()).isEqualTo(LockProbe.REFUSED);
      assertThat(refused.output()).contains("is in use by another writer");
    }
    Probe opened = probe();
    assertThat(opened.exitCode()).as(opened.output()).isEqualTo(LockProbe.OPENED);
  }

  @Test
  void concurrentAppendsYieldOneUnbrokenChain() throws Exception {
    int threads = 8;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try (JsonLinesAuditSink sink = open()) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            sink.append(new AuditEvent("step", Map.of("thread", thread, "i", i)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(sink.head().sequence()).isEqualTo(threads * perThread);
    } finally {
      pool.shutdownNow();
    }

    AuditVerification v = AuditLog.verify(log());
    assertThat(v.intact()).as(v.problem()).isTrue();
    assertThat(v.linesChecked()).isEqualTo(threads * perThread);
    List<Map<String, Object>> lines = parsedLines();
    Map<Object, Integer> lastPerThread = new HashMap<>();
    for (int n = 0; n < lines.size(); n++) {
      Map<String, Object> line = lines.get(n);
      assertThat(line.get("seq")).isEqualTo(n + 1);
      int i = (Integer) line.get("i");
      Integer last = lastPerThread.put(line.get("thread"), i);
      assertThat(i).isEqualTo(last == null ? 0 : last + 1);
    }
  }

  @Test
  void appendAfterCloseThrows() {
    JsonLinesAuditSink sink = open();
    sink.close();
    sink.close();

    assertThatThrownBy(() -> sink.append(step(1)))
        .isInstanceOf(AuditException.class)
        .hasMessageEndingWith("is closed");
  }

  @Test
  void writeFailurePoisonsTheSinkUntilReopened() throws Exception {
    JsonLinesAuditSink sink = open();
    sink.append(step(1));
    AuditHead head = sink.head();
    Field out = JsonLinesAuditSink.class.getDeclaredField("out");
    out.setAccessible(true);
    ((FileOutputStream) out.get(sink)).close();

    assertThatThrownBy(() -> sink.append(step(2)))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("could not write seq 2 to audit log " + log());
    assertThatThrownBy(() -> sink.append(step(3)))
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("takes no more events after a failed write");
    assertThat(sink.head()).isEqualTo(head);
    sink.close();

    try (JsonLinesAuditSink reopened = open()) {
      reopened.append(step(2));
    }
    assertThat(AuditLog.verify(log()).linesChecked()).isEqualTo(2);
  }

  @Test
  void directoryIsNotALog() {
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(dir).build())
        .isInstanceOf(AuditException.class)
        .hasMessageContaining(dir.toString());
  }

  @Test
  void missingDirectoryFailsToOpen() {
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(dir.resolve("no/such/audit.jsonl")).build())
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("directory does not exist");
  }

  @Test
  void nullsNestedValuesAndDecimalsRoundTripAndVerify() throws Exception {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("none", null);
    details.put("rows", List.of(1, 2L, Map.of("z", true, "a", "ä☃😀\n\"")));
    details.put("price", new BigDecimal("1.50"));
    details.put("ratio", 0.1d);
    details.put("whole", 2.0d);
    details.put("big", new BigDecimal("1E+3"));
    Map<String, Object> fields = new HashMap<>();
    fields.put("details", details);
    fields.put("comment", null);
    try (JsonLinesAuditSink sink = open()) {
      sink.append(new AuditEvent("evaluation", fields));
    }

    String line = lines(log()).get(0);
    assertThat(line).contains("\"details\":{\"big\":1000,\"none\":null,\"price\":1.5,\"ratio\":0.1,"
        + "\"rows\":[1,2,{\"a\":\"ä☃😀\\n\\\"\",\"z\":true}],\"whole\":2}");
    assertThat(line).contains("\"comment\":null");
    assertThat(AuditLog.verify(log()).intact()).isTrue();
  }

  @Test
  void valueJsonCannotHoldIsRefusedNamingItsPathAndTheSinkStaysUsable() {
    try (JsonLinesAuditSink sink = open()) {
      Map<String, Object> fields = Map.of("details", Map.of("rows", List.of(1, new Object())));

      assertThatThrownBy(() -> sink.append(new AuditEvent("evaluation", fields)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("audit event 'evaluation'")
          .hasMessageContaining("fields.details.rows[1] is a java.lang.Object");
      assertThatThrownBy(() -> sink.append(new AuditEvent("x", Map.of("r", Double.NaN))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("fields.r is NaN");

      sink.append(step(1));
      assertThat(sink.head().sequence()).isEqualTo(1);
    }
  }

  @Test
  void fsyncedLogVerifies() {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).fsync(true).build()) {
      sink.append(step(1));
      sink.append(step(2));
    }

    assertThat(AuditLog.verify(log()).intact()).isTrue();
  }

  @Test
  void builderChecksItsArguments() {
    JsonLinesAuditSink.Builder builder = JsonLinesAuditSink.builder(log());

    assertThatThrownBy(() -> builder.hmacKey(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hmacKey");
    assertThatThrownBy(() -> builder.clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clock");
  }

  @Test
  void builderCopiesTheKey() throws Exception {
    byte[] key = {1, 2, 3};
    JsonLinesAuditSink.Builder builder = JsonLinesAuditSink.builder(log()).hmacKey(key);
    Arrays.fill(key, (byte) 0);
    builder.build().close();
    try (JsonLinesAuditSink sink = builder.build()) {
      sink.append(step(1));
    }

    assertThat(AuditLog.verify(log(), VerifyOptions.builder().hmacKey(new byte[] {1, 2, 3})
        .build()).intact()).isTrue();
  }

  private List<Map<String, Object>> parsedLines() throws Exception {
    List<Map<String, Object>> parsed = new ArrayList<>();
    for (String line : lines(log())) {
      parsed.add(JSON.readValue(line, OBJECT));
    }
    return parsed;
  }

  private record Probe(int exitCode, String output) {}

  private Probe probe() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(),
        "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), log().toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Probe(process.exitValue(), output);
  }

  @Test
  void openingASignedLogWithoutTheKeyRefuses() {
    JsonLinesAuditSink.builder(log()).hmacKey(new byte[] {7}).build().close();
    try (JsonLinesAuditSink signed = JsonLinesAuditSink.builder(log()).hmacKey(new byte[] {7})
        .build()) {
      signed.append(new AuditEvent("step", Map.of("n", 1)));
    }
    String before = LogFiles.read(log());

    assertThatThrownBy(this::open)
        .isInstanceOf(AuditException.class)
        .hasMessageContaining("signed with an HMAC key");
    assertThat(LogFiles.read(log())).isEqualTo(before);
  }
}
