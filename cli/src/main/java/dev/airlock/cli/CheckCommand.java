package dev.airlock.cli;

import dev.airlock.Tier;
import dev.airlock.sql.SqlDialect;
import dev.airlock.sql.StatementInfo;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code airlock check}: what Airlock's static rules say about SQL, for one statement given as an
 * argument or for JSON Lines read from stdin ({@code --jsonl}). The rules are the SQL analysis
 * and the default effect rules of the tier; nothing is run, logged or sent to a person.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    versionProvider = AirlockCommand.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    headerHeading = "%n",
    header = "Check SQL against Airlock's analysis and effect rules.",
    synopsisHeading = "%nUsage: ",
    descriptionHeading = "%n",
    description = {
        "Prints what the SQL does (its effect), what Airlock decides for an environment of the "
            + "tier (ALLOW, REQUIRE_APPROVAL or DENY) and why. Only the static rules apply: the "
            + "analysis of the SQL and the default effect rules of the tier. Nothing is run, "
            + "written to an audit log or sent to a person.",
        "",
        "With --jsonl, reads JSON Lines from stdin, one object per line:",
        "  {\"id\": \"q1\", \"sql\": \"SELECT 1\", \"dialect\": \"mysql\"}",
        "\"dialect\" is optional: a line's own dialect wins, else --dialect. \"id\" may be any "
            + "JSON value and is echoed as given. Blank lines are skipped without an answer. "
            + "Writes one line per input line, in order:",
        "  {\"id\": \"q1\", \"effect\": \"READ\", \"decision\": \"ALLOW\", \"statements\": 1,",
        "   \"reasons\": [{\"code\": \"EFFECT_ALLOWED\", \"message\": \"...\"}]}",
        "(each answer on one line).",
        "A line that cannot be checked (not a JSON object, no \"sql\" string, an unknown "
            + "dialect) is answered with {\"id\": ..., \"error\": \"...\"} and the run goes on."
    },
    parameterListHeading = "%nArguments:%n",
    optionListHeading = "%nOptions:%n",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every statement or line was answered, whatever the decisions and errors",
        "1:Airlock failed, or stdin could not be read",
        "2:usage error: an unknown option or value, no SQL and no --jsonl, or both"
    },
    footerHeading = "%nExamples:%n",
    footer = {
        "  airlock check \"DELETE FROM orders WHERE id = 7\"",
        "  airlock check --dialect mysql --tier staging \"DROP TABLE orders\"",
        "  airlock check --jsonl --tier replica < queries.jsonl > decisions.jsonl"
    })
final class CheckCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(
      names = "--dialect",
      paramLabel = "DIALECT",
      defaultValue = "postgresql",
      description = "postgresql, mysql or h2, in any case (default: ${DEFAULT-VALUE}). With "
          + "--jsonl, the dialect of lines that name none.")
  private SqlDialect dialect;

  @Option(
      names = "--tier",
      paramLabel = "TIER",
      defaultValue = "production",
      description = "production, staging, development or replica, in any case "
          + "(default: ${DEFAULT-VALUE}): whose effect rules decide.")
  private Tier tier;

  @Option(
      names = "--jsonl",
      description = "Read JSON Lines from stdin and write one JSON line per input line.")
  private boolean jsonl;

  @Parameters(
      arity = "0..1",
      paramLabel = "SQL",
      description = "The SQL text, as one argument (quote it). A text that starts with '-' "
          + "goes after '--': airlock check -- \"-- a comment\".")
  private String sql;

  private final InputStream stdin;

  /**
   * The command, reading {@code --jsonl} input from {@code stdin}.
   *
   * @param stdin where JSON Lines come from
   */
  CheckCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() throws IOException {
    if (jsonl && sql != null) {
      throw new ParameterException(spec.commandLine(),
          "give either SQL or --jsonl, not both: --jsonl reads the statements from stdin");
    }
    if (!jsonl && sql == null) {
      throw new ParameterException(spec.commandLine(),
          "missing SQL: give the statement as one argument, such as airlock check \"SELECT 1\", "
              + "or use --jsonl to read JSON Lines from stdin");
    }
    StaticCheck check = new StaticCheck(tier);
    return jsonl ? checkLines(check) : checkOne(check);
  }

  private int checkOne(StaticCheck check) {
    StaticCheck.Outcome outcome = check.check(sql, dialect);
    PrintWriter out = spec.commandLine().getOut();
    out.println("effect:   " + outcome.analysis().effect());
    out.println("decision: " + outcome.decision());
    for (StaticCheck.Finding reason : outcome.reasons()) {
      out.println("reason:   " + reason.code() + ": " + reason.message());
    }
    List<StatementInfo> statements = outcome.analysis().statements();
    if (statements.size() > 1) {
      for (int i = 0; i < statements.size(); i++) {
        StatementInfo statement = statements.get(i);
        String kind = statement.kind().isEmpty() ? "(no keyword)" : statement.kind();
        out.println("statement " + (i + 1) + ": " + kind + " " + statement.effect());
      }
    }
    out.flush();
    return 0;
  }

  private int checkLines(StaticCheck check) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8), 1 << 16);
    PrintWriter out = spec.commandLine().getOut();
    BufferedWriter buffered = new BufferedWriter(out, 1 << 16);
    JsonLinesCheck.Summary summary = new JsonLinesCheck(check, dialect).run(in, buffered);
    buffered.flush();
    if (out.checkError()) {
      throw new IOException("could not write the answers to stdout");
    }
    if (summary.failures() > 0) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("airlock: " + summary.failures() + " of " + summary.answered()
          + " lines could not be checked because Airlock failed; their answers say why");
      err.flush();
      return 1;
    }
    return 0;
  }
}
