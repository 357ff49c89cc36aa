package dev.airlock.cli;

import dev.airlock.Tier;
import dev.airlock.sql.SqlDialect;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code airlock} command line.
 *
 * <pre>{@code
 * java -jar airlock.jar check --dialect postgresql --tier production "DROP TABLE orders"
 * java -jar airlock.jar check --jsonl < queries.jsonl > decisions.jsonl
 * java -jar airlock.jar sql --url jdbc:postgresql://db/orders --user reader \
 *     --password-env PGPASSWORD --tier production "SELECT count(*) FROM orders"
 * }</pre>
 *
 * <p>Exit status: {@code 0} when every statement or line was answered (check) or the SQL ran
 * (sql), {@code 1} when Airlock, the database or stdin failed, {@code 2} for a usage error,
 * {@code 3} when {@code sql} was refused.
 */
@Command(
    name = "airlock",
    mixinStandardHelpOptions = true,
    versionProvider = AirlockCommand.Version.class,
    usageHelpAutoWidth = true,
    synopsisSubcommandLabel = "COMMAND",
    headerHeading = "%n",
    header = "Guards what AI agents do to databases.",
    synopsisHeading = "%nUsage: ",
    optionListHeading = "%nOptions:%n",
    commandListHeading = "%nCommands:%n",
    footerHeading = "%n",
    footer = "Run 'airlock COMMAND --help' for a command's options.")
public final class AirlockCommand implements Callable<Integer> {

  /** Exit status of a usage error. */
  public static final int USAGE_ERROR = 2;
  /** Exit status when Airlock itself failed, or stdin or stdout failed, or the database. */
  public static final int FAILURE = 1;
  /** Exit status of {@code sql} when Airlock refused the SQL. */
  public static final int REFUSED = 3;

  @Spec
  private CommandSpec spec;

  private AirlockCommand() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
        true);
    CommandLine commandLine = commandLine(System.in);
    commandLine.setOut(out);
    commandLine.setErr(err);
    int status = commandLine.execute(args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * The command line with its subcommands and error handling, reading {@code --jsonl} input from
   * {@code stdin}; set its out and err with {@link CommandLine#setOut} and {@link
   * CommandLine#setErr}, then {@link CommandLine#execute}.
   *
   * @param stdin where {@code check --jsonl} reads its lines
   * @return the command line
   */
  public static CommandLine commandLine(InputStream stdin) {
    return commandLine(stdin, System::getenv);
  }

  /**
   * The command line, as {@link #commandLine(InputStream)}, reading environment variables (the
   * password of {@code sql --password-env}) through {@code environmentVariables}.
   *
   * @param stdin where {@code check --jsonl} reads its lines
   * @param environmentVariables looks up an environment variable, null when it is not set
   * @return the command line
   */
  public static CommandLine commandLine(
      InputStream stdin, Function<String, String> environmentVariables) {
    CommandLine commandLine = new CommandLine(new AirlockCommand())
        .addSubcommand(new CheckCommand(stdin))
        .addSubcommand(new SqlCommand(environmentVariables))
        .addSubcommand(new HelpCommand())
        .setParameterExceptionHandler(AirlockCommand::usageError)
        .setExecutionExceptionHandler(AirlockCommand::failure);
    commandLine.registerConverter(SqlDialect.class, converter(Names::dialect));
    commandLine.registerConverter(Tier.class, converter(Names::tier));
    return commandLine;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(),
        "missing command: use 'airlock check' or 'airlock sql', or 'airlock --help' to list the"
            + " commands");
  }

  private static <T> ITypeConverter<T> converter(Function<String, T> names) {
    return value -> {
      try {
        return names.apply(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("airlock: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    if ((e instanceof UnmatchedArgumentException || e instanceof MissingParameterException)
        && looksLikeSql(args)) {
      err.println("A SQL text that starts with '-' goes after '--', such as: "
          + commandLine.getCommandSpec().qualifiedName() + " -- \"-- only a comment\"");
    }
    err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return USAGE_ERROR;
  }

  /**
   * Whether an argument taken for an unknown option is rather SQL, such as a comment: it starts
   * with '-' and holds whitespace, which no option does.
   */
  private static boolean looksLikeSql(String[] args) {
    for (String argument : args) {
      if (argument.startsWith("-") && argument.chars().anyMatch(Character::isWhitespace)) {
        return true;
      }
    }
    return false;
  }

  private static int failure(Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      err.println("airlock: " + e.getMessage());
    } else {
      err.println("airlock: failed with " + e + "; please report it with the command that caused"
          + " it");
      e.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  /** The version: the jar's Implementation-Version, or the project's version outside a jar. */
  static final class Version implements IVersionProvider {
    private static final String FALLBACK = "0.1.0-SNAPSHOT";

    @Override
    public String[] getVersion() {
      return new String[] {"airlock " + version()};
    }

    static String version() {
      String version = AirlockCommand.class.getPackage().getImplementationVersion();
      return version != null ? version : FALLBACK;
    }
  }
}
