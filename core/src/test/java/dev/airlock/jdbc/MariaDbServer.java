package dev.airlock.jdbc;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real MariaDB server for tests, started at most once per JVM from the binaries of Debian's
 * {@code mariadb-server} package (no Docker), and stopped by a shutdown hook.
 *
 * <p>The server lives in a private temporary directory (data, socket, pid file, logs) that is
 * deleted when the JVM exits. It listens on a free port of 127.0.0.1 only, uses real grant tables
 * (so tests can create users with narrow privileges), and has a database {@value #DATABASE}. Root
 * logs in over TCP with {@link #rootUser()} and {@link #rootPassword()}, a password drawn afresh
 * for every server.
 *
 * <p>Tests call {@link #require()}: it skips the test when {@code mariadb-server} is not installed
 * or the server does not start, unless the environment variable {@value #SYSTEM_TESTS_ENV} is
 * {@code required} (as {@code .ci/run} sets it), in which case it fails. The outcome of the first
 * attempt is remembered, so a broken installation costs one start-up per JVM, not one per test.
 * Call it from {@code @BeforeEach} or the test itself: when {@code @BeforeAll} aborts, Surefire
 * reports the class as zero tests run rather than as skipped tests.
 */
public final class MariaDbServer {
  /** Environment variable that, set to {@code required}, makes skipped system tests fail. */
  public static final String SYSTEM_TESTS_ENV = "AIRLOCK_SYSTEM_TESTS";
  /** The database created at start-up. */
  public static final String DATABASE = "airlock";

  private static final List<String> SERVER_NAMES = List.of("mariadbd", "mysqld");
  private static final List<String> INSTALL_DB_NAMES =
      List.of("mariadb-install-db", "mysql_install_db");
  private static final List<String> SEARCH_DIRS =
      List.of("/usr/sbin", "/usr/bin", "/usr/local/bin");
  private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 25;
  /** Unix socket paths are limited to 108 bytes; stay well below. */
  private static final int MAX_SOCKET_PATH = 100;
  /**
   * Options for both the bootstrap (install-db passes unknown options on to the server) and the
   * server: a small redo log, and no native AIO, which io_uring or memlock limits of containers
   * can break.
   */
  private static final List<String> INNODB_OPTIONS =
      List.of("--innodb-log-file-size=16M", "--innodb-use-native-aio=0");

  private static Availability availability;

  private final Path dir;
  private final int port;
  private final String rootPassword;
  private final Duration startupTime;
  private final Process process;

  private MariaDbServer(Path dir, int port, String rootPassword, Duration startupTime,
      Process process) {
    this.dir = dir;
    this.port = port;
    this.rootPassword = rootPassword;
    this.startupTime = startupTime;
    this.process = process;
  }

  /**
   * The JVM's server, started on first call; empty when {@code mariadb-server} is not installed.
   *
   * @throws IllegalStateException if the binaries are there but the server did not start (the
   *     message ends with the last lines of its logs)
   */
  public static Optional<MariaDbServer> get() {
    Availability a = availability();
    if (a.server != null) {
      return Optional.of(a.server);
    }
    if (a.installed) {
      throw new IllegalStateException("MariaDB test server unavailable: " + a.reason);
    }
    return Optional.empty();
  }

  /**
   * The JVM's server for a test that needs it: skips the test (with the reason) when there is
   * none, or fails it when {@value #SYSTEM_TESTS_ENV} is {@code required}.
   */
  public static MariaDbServer require() {
    Availability a = availability();
    if (a.server != null) {
      return a.server;
    }
    if ("required".equals(System.getenv(SYSTEM_TESTS_ENV))) {
      return Assertions.fail("MariaDB tests cannot run: " + a.reason + "\nThey fail instead of"
          + " skipping because " + SYSTEM_TESTS_ENV + "=required; unset it to let them skip.");
    }
    return Assumptions.abort("MariaDB tests skipped: " + a.reason);
  }

  /** JDBC URL of {@code database} on this server; an empty name connects to no database. */
  public String jdbcUrl(String database) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
  }

  /** The server's TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** User name of the administrator account. */
  public String rootUser() {
    return "root";
  }

  /** Password of {@link #rootUser()} over TCP, random per server. */
  public String rootPassword() {
    return rootPassword;
  }

  /** How long it took to create the data directory and start the server, until it took logins. */
  public Duration startupTime() {
    return startupTime;
  }

  /** A new connection to {@code database} as {@code user}. */
  public Connection connect(String database, String user, String password) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), user, password);
  }

  /** A new connection to {@code database} as root. */
  public Connection connectAsRoot(String database) throws SQLException {
    return connect(database, rootUser(), rootPassword);
  }

  /**
   * Runs statements as root, in order, each committed on its own; for creating databases, tables,
   * users and grants.
   *
   * @throws SQLException naming the statement that failed
   */
  public void execAsRoot(String... sql) throws SQLException {
    try (Connection c = connectAsRoot(""); Statement s = c.createStatement()) {
      for (String statement : sql) {
        try {
          s.execute(statement);
        } catch (SQLException e) {
          throw new SQLException(e.getMessage() + " [in: " + statement + "]", e.getSQLState(),
              e.getErrorCode(), e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "MariaDB on 127.0.0.1:" + port + " in " + dir;
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up

  /** The server, or why there is none: the outcome of the first attempt in this JVM. */
  private record Availability(MariaDbServer server, boolean installed, String reason) {}

  private static synchronized Availability availability() {
    if (availability == null) {
      availability = findAndStart();
    }
    return availability;
  }

  private static Availability findAndStart() {
    Optional<Path> server = find(SERVER_NAMES);
    Optional<Path> installDb = find(INSTALL_DB_NAMES);
    if (server.isEmpty() || installDb.isEmpty()) {
      String missing = server.isEmpty() ? "mariadbd or mysqld" : "mariadb-install-db";
      return unavailable(false, "mariadb-server is not installed (no " + missing + " in "
          + String.join(", ", SEARCH_DIRS) + " or PATH). Install it with `apt-get install"
          + " mariadb-server`; .ci/run installs it when run as root.");
    }
    try {
      return new Availability(start(server.get(), installDb.get()), true, null);
    } catch (StartFailure e) {
      return unavailable(true, server.get() + " is installed but the test server did not start: "
          + e.getMessage());
    }
  }

  /** Says once, on standard error, why there is no server: skipped tests are easy to overlook. */
  private static Availability unavailable(boolean installed, String reason) {
    System.err.println("[airlock] No MariaDB for tests: " + reason.lines().findFirst().orElse(""));
    return new Availability(null, installed, reason);
  }

  private static Optional<Path> find(List<String> names) {
    Set<String> dirs = new LinkedHashSet<>(SEARCH_DIRS);
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    for (String name : names) {
      for (String d : dirs) {
        if (d.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(d, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static MariaDbServer start(Path server, Path installDb) throws StartFailure {
    long started = System.nanoTime();
    Path dir = createDirectory();
    Process process = null;
    try {
      // mariadbd refuses to run as root unless told to with --user=root.
      boolean root = Integer.valueOf(0).equals(Files.getAttribute(dir, "unix:uid"));
      List<String> asUser = root ? List.of("--user=root") : List.of();
      Path data = dir.resolve("data");
      Files.createDirectory(dir.resolve("tmp"));

      // "normal": root logs in with a password (none yet) rather than only as the Unix root user.
      List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults",
          "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve",
          "--datadir=" + data));
      install.addAll(asUser);
      install.addAll(INNODB_OPTIONS);
      Path installLog = dir.resolve("install-db.log");
      Process p = processBuilder(install, dir).redirectOutput(installLog.toFile()).start();
      if (!p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new StartFailure(installDb + " did not finish within " + INSTALL_TIMEOUT.toSeconds()
            + " s" + tails(installLog));
      }
      if (p.exitValue() != 0) {
        throw new StartFailure(installDb + " exited with " + p.exitValue() + tails(installLog));
      }

      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        process = startServer(server, dir, data, port, asUser);
        try {
          awaitLogins(process, port, dir);
        } catch (StartFailure e) {
          stop(process);
          process = null;
          if (attempt < START_ATTEMPTS && lostPortRace(dir)) {
            continue;
          }
          throw e;
        }
        String password = HexFormat.of().formatHex(randomBytes(12));
        try (Connection c = DriverManager.getConnection(url(port), "root", "");
            Statement s = c.createStatement()) {
          s.execute("ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + password + "'");
          s.execute("CREATE DATABASE " + DATABASE);
        }
        Duration startupTime = Duration.ofNanos(System.nanoTime() - started);
        MariaDbServer result = new MariaDbServer(dir, port, password, startupTime, process);
        Runtime.getRuntime().addShutdownHook(new Thread(result::shutDown, "airlock-mariadb-stop"));
        return result;
      }
    } catch (IOException | SQLException e) {
      String logs = tails(dir.resolve("error.log"), dir.resolve("mariadbd.out"));
      cleanUp(process, dir);
      throw new StartFailure(e + logs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cleanUp(process, dir);
      throw new StartFailure("interrupted while starting");
    } catch (StartFailure e) {
      cleanUp(process, dir);
      throw e;
    }
  }

  private static Path createDirectory() throws StartFailure {
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      // "/airlock-mariadb-<19 digits>/mysql.sock" must fit in a socket address.
      if (base.toAbsolutePath().toString().length() + 47 > MAX_SOCKET_PATH) {
        base = Path.of("/tmp");
      }
      return Files.createTempDirectory(base, "airlock-mariadb-");
    } catch (IOException e) {
      throw new StartFailure("cannot create its temporary directory: " + e);
    }
  }

  private static Process startServer(Path server, Path dir, Path data, int port,
      List<String> asUser) throws IOException {
    List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults"));
    command.addAll(asUser);
    command.addAll(List.of(
        "--datadir=" + data,
        "--socket=" + dir.resolve("mysql.sock"),
        "--port=" + port,
        "--bind-address=127.0.0.1",
        "--pid-file=" + dir.resolve("mariadbd.pid"),
        "--log-error=" + dir.resolve("error.log"),
        "--tmpdir=" + dir.resolve("tmp"),
        "--skip-log-bin",
        "--skip-name-resolve",
        "--innodb-buffer-pool-size=32M",
        "--innodb-flush-log-at-trx-commit=0",
        "--character-set-server=utf8mb4"));
    command.addAll(INNODB_OPTIONS);
    return processBuilder(command, dir)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mariadbd.out").toFile()))
        .start();
  }

  private static ProcessBuilder processBuilder(List<String> command, Path dir) {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    // Client and server variables of the developer's own MariaDB must not leak into ours.
    for (String name : List.of("MYSQL_HOME", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT", "MYSQL_PWD",
        "MARIADB_HOME")) {
      env.remove(name);
    }
    return pb;
  }

  /** Polls until root can log in, the server exits, or {@link #START_TIMEOUT} passes. */
  private static void awaitLogins(Process process, int port, Path dir)
      throws StartFailure, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new StartFailure("the server exited with " + process.exitValue() + " while starting"
            + tails(dir.resolve("error.log"), dir.resolve("mariadbd.out")));
      }
      try (Connection c = DriverManager.getConnection(url(port) + "?connectTimeout=2000", "root",
          "")) {
        if (c.isValid(2)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new StartFailure("no login within " + START_TIMEOUT.toSeconds() + " s (last error: "
        + last + ")" + tails(dir.resolve("error.log"), dir.resolve("mariadbd.out")));
  }

  /** Whether the server failed because someone else took the port between probe and bind. */
  private static boolean lostPortRace(Path dir) {
    String log = tails(dir.resolve("error.log"));
    return log.contains("Address already in use") || log.contains("Bind on TCP/IP port");
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static String url(int port) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/";
  }

  // ---------------------------------------------------------------------------------------------
  // Shut-down

  private void shutDown() {
    cleanUp(process, dir);
  }

  private static void cleanUp(Process process, Path dir) {
    if (process != null) {
      stop(process);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: the directory is in the temporary directory anyway.
    }
  }

  /** SIGTERM (InnoDB shuts down cleanly and quickly), then SIGKILL if that takes too long. */
  private static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Diagnostics

  /** The last lines of each existing, non-empty log, as a suffix for an error message. */
  private static String tails(Path... logs) {
    StringBuilder sb = new StringBuilder();
    for (Path log : logs) {
      try {
        List<String> lines =
            new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
        if (lines.isEmpty()) {
          continue;
        }
        sb.append("\nLast lines of ").append(log.getFileName()).append(':');
        for (String line : lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES),
            lines.size())) {
          sb.append("\n  ").append(line);
        }
      } catch (IOException e) {
        // A log that was never written has nothing to add.
      }
    }
    return sb.toString();
  }

  /** Why the server did not start, with the last lines of its logs. */
  private static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String message) {
      super(message);
    }
  }
}
