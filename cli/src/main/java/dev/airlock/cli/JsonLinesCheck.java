package dev.airlock.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.airlock.sql.SqlDialect;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;

/**
 * {@code airlock check --jsonl}: reads one JSON object per line, checks its {@code sql} and writes
 * one JSON object per line, in order, streaming (one line in memory at a time).
 *
 * <p>In: {@code {"id": "q1", "sql": "SELECT 1", "dialect": "mysql"}}; {@code dialect} is optional
 * and {@code id} may be any JSON value. Out, keys in this order:
 *
 * <pre>{@code
 * {"id": "q1", "effect": "READ", "decision": "ALLOW", "statements": 1, "reasons": [{"code": "EFFECT_ALLOWED", "message": "…"}]}
 * }</pre>
 *
 * <p>A line that cannot be checked is answered with {@code {"id": …, "error": "…"}} and the run
 * goes on; blank lines are skipped without an answer.
 */
final class JsonLinesCheck {
  private static final String EXAMPLE = "{\"id\": \"q1\", \"sql\": \"SELECT 1\"}";
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
      .build();

  private final StaticCheck check;
  private final SqlDialect defaultDialect;

  /**
   * A run with the given rules.
   *
   * @param check the rules, for the run's tier
   * @param defaultDialect the dialect of lines that name none
   */
  JsonLinesCheck(StaticCheck check, SqlDialect defaultDialect) {
    this.check = check;
    this.defaultDialect = defaultDialect;
  }

  /** How a run went. */
  record Summary(long answered, long errors, long failures) {}

  /**
   * Checks every line of {@code in} and writes the answers to {@code out}, flushing at the end.
   *
   * @param in the JSON Lines to check
   * @param out where the answers go; flushed, not closed
   * @return how many lines were answered, how many of them with an error, and how many failed
   *     inside Airlock
   * @throws IOException if {@code in} cannot be read or {@code out} written
   */
  Summary run(BufferedReader in, Writer out) throws IOException {
    long answered = 0;
    long errors = 0;
    long failures = 0;
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setPrettyPrinter(new OneLine());
      long number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        answered++;
        switch (answer(line, number, json)) {
          case CHECKED -> { }
          case ERROR -> errors++;
          case FAILURE -> {
            errors++;
            failures++;
          }
        }
        json.writeRaw('\n');
      }
      json.flush();
    }
    return new Summary(answered, errors, failures);
  }

  private enum Answer { CHECKED, ERROR, FAILURE }

  private Answer answer(String line, long number, JsonGenerator json) throws IOException {
    JsonNode request;
    try {
      request = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      return error(json, null, "line " + number + " is not valid JSON (" + e.getOriginalMessage()
          + "); write one JSON object per line, such as " + EXAMPLE);
    }
    if (!request.isObject()) {
      return error(json, null, "line " + number + " is " + describe(request)
          + ", not a JSON object; write one JSON object per line, such as " + EXAMPLE);
    }
    JsonNode id = request.get("id");
    JsonNode sql = request.get("sql");
    if (sql == null) {
      return error(json, id, "line " + number
          + " has no \"sql\"; give the statement text as \"sql\", such as " + EXAMPLE);
    }
    if (!sql.isTextual()) {
      return error(json, id, "line " + number + " has a \"sql\" that is " + describe(sql)
          + "; give the statement text as a JSON string, such as " + EXAMPLE);
    }
    SqlDialect dialect = defaultDialect;
    JsonNode named = request.get("dialect");
    if (named != null && !named.isNull()) {
      if (!named.isTextual()) {
        return error(json, id, "line " + number + " has a \"dialect\" that is " + describe(named)
            + "; use a string: " + Names.DIALECTS + ", or leave it out");
      }
      try {
        dialect = Names.dialect(named.textValue());
      } catch (IllegalArgumentException e) {
        return error(json, id, "line " + number + ": " + e.getMessage());
      }
    }
    StaticCheck.Outcome outcome;
    try {
      outcome = check.check(sql.textValue(), dialect);
    } catch (RuntimeException e) {
      error(json, id, "line " + number + " could not be checked: Airlock failed with " + e
          + "; please report it with the line that caused it");
      return Answer.FAILURE;
    }
    json.writeStartObject();
    writeId(json, id);
    json.writeStringField("effect", outcome.analysis().effect().name());
    json.writeStringField("decision", outcome.decision().name());
    json.writeNumberField("statements", outcome.analysis().statements().size());
    json.writeArrayFieldStart("reasons");
    for (StaticCheck.Finding reason : outcome.reasons()) {
      json.writeStartObject();
      json.writeStringField("code", reason.code());
      json.writeStringField("message", reason.message());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
    return Answer.CHECKED;
  }

  private static Answer error(JsonGenerator json, JsonNode id, String message) throws IOException {
    json.writeStartObject();
    writeId(json, id);
    json.writeStringField("error", message);
    json.writeEndObject();
    return Answer.ERROR;
  }

  private static void writeId(JsonGenerator json, JsonNode id) throws IOException {
    json.writeFieldName("id");
    if (id == null) {
      json.writeNull();
    } else {
      json.writeTree(id);
    }
  }

  private static String describe(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      case NULL -> "null";
      default -> "not a JSON value";
    };
  }

  /**
   * Writes JSON on one line, with a space after every colon and comma: {@code {"a": 1, "b": [2,
   * 3]}}. Root values are not separated; the run ends each with a newline itself.
   */
  private static final class OneLine implements PrettyPrinter {
    @Override
    public void writeRootValueSeparator(JsonGenerator g) {}

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
      g.writeRaw('{');
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) {}

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
      g.writeRaw('}');
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
      g.writeRaw('[');
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) {}

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      g.writeRaw(']');
    }
  }
}
