package dev.airlock.approval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of {@link JdbcApprovalStore}: the versioned scripts shipped as resources, applied in
 * order and recorded in {@code airlock_schema_version}, or checked when a team applies them itself.
 *
 * <p>Each script records its own version, so the table is right whoever ran it (Airlock, Flyway,
 * Liquibase or a person). On PostgreSQL the missing scripts run in one transaction under an
 * advisory lock, so two instances starting at once apply them once. H2 commits each {@code CREATE}
 * at once and has no advisory lock: starters in one JVM take turns, and starters in different JVMs
 * may both run a script, which creates only what does not exist; the one that loses a race sees
 * the version recorded, or runs the script again (up to three times).
 */
final class ApprovalSchema {
  private static final Logger log = LoggerFactory.getLogger(ApprovalSchema.class);

  /** Every script, in order; script {@code i} brings the schema to version {@code i + 1}. */
  static final List<String> SCRIPTS = List.of("V1__airlock_approvals.sql");

  /** The tables the store needs. */
  static final List<String> TABLES = List.of("airlock_schema_version", "airlock_approvals",
      "airlock_staging_runs", "airlock_kill_switch");

  /** Key of the PostgreSQL advisory lock held while the schema is applied: "Airlock" in ASCII. */
  private static final long SCHEMA_LOCK = 0x4169726c6f636bL;
  private static final Object H2_LOCK = new Object();
  /** How often the scripts are tried when creating them races with another instance. */
  private static final int ATTEMPTS = 3;

  private ApprovalSchema() {}

  /** The newest version this code knows. */
  static int latestVersion() {
    return SCRIPTS.size();
  }

  /**
   * Applies the scripts the database lacks, then checks the result.
   *
   * @throws IllegalStateException if the database's schema is newer than this code knows
   * @throws ApprovalStoreException if the database cannot be read or changed
   */
  static void apply(DataSource dataSource, StoreDialect dialect) {
    if (dialect == StoreDialect.H2) {
      // H2 has no advisory lock; in one JVM (where H2 mostly runs) this lock stands in for it.
      synchronized (H2_LOCK) {
        applyWithRetries(dataSource, dialect);
      }
    } else {
      applyWithRetries(dataSource, dialect);
    }
    check(dataSource, dialect);
  }

  /** Applies the missing scripts, trying again when creating them races with another instance. */
  static void applyWithRetries(DataSource dataSource, StoreDialect dialect) {
    for (int attempt = 1; ; attempt++) {
      try {
        applyOnce(dataSource, dialect);
        return;
      } catch (SQLException e) {
        if (attempt >= ATTEMPTS) {
          throw new ApprovalStoreException("JdbcApprovalStore could not apply its schema to the "
              + dialect.productName() + " database (SQLSTATE " + e.getSQLState() + "). Apply "
              + resources(dialect, 0) + " yourself (Flyway, Liquibase or by hand) and build"
              + " with applySchema(false), or give the store's user the right to create tables",
              e);
        }
        log.debug("Applying the Airlock schema failed (attempt {} of {}); trying again", attempt,
            ATTEMPTS, e);
      }
    }
  }

  /**
   * Applies the missing scripts in one transaction. A failure may be a race with another instance
   * creating the same objects (H2 runs DDL outside transactions): if that instance completed the
   * schema, the failure is ignored; otherwise it is thrown, and the scripts, which create only
   * what does not exist, may run again.
   */
  private static void applyOnce(DataSource dataSource, StoreDialect dialect)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        List<String> applied = applyMissing(c, dialect);
        c.commit();
        for (String resource : applied) {
          log.info("Applied {} to the {} database", resource, dialect.productName());
        }
      } catch (SQLException e) {
        try {
          c.rollback();
          if (currentVersion(c) >= latestVersion()) {
            log.debug("The Airlock schema was applied by another instance at the same time", e);
            return;
          }
        } catch (SQLException alsoFailed) {
          e.addSuppressed(alsoFailed);
        }
        throw e;
      } catch (RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  /**
   * Checks that every table exists at the version this code knows.
   *
   * @throws IllegalStateException naming the scripts to run if a table or version is missing, or
   *     if the database's schema is newer than this code knows
   * @throws ApprovalStoreException if the database cannot be read
   */
  static void check(DataSource dataSource, StoreDialect dialect) {
    try (Connection c = dataSource.getConnection()) {
      List<String> missing = new ArrayList<>();
      for (String table : TABLES) {
        if (!tableExists(c, table)) {
          missing.add(table);
        }
      }
      int version = missing.contains("airlock_schema_version") ? 0 : currentVersion(c);
      refuseNewer(version, dialect);
      if (!missing.isEmpty()) {
        throw new IllegalStateException("The " + dialect.productName() + " database lacks the"
            + " Airlock approval tables " + missing + ". Run " + resources(dialect, 0)
            + " from airlock-core (with Flyway, Liquibase or by hand), or build the"
            + " JdbcApprovalStore with applySchema(true)");
      }
      if (version < latestVersion()) {
        throw new IllegalStateException("The Airlock approval tables in the "
            + dialect.productName() + " database are at schema version " + version + ", but this"
            + " airlock-core needs version " + latestVersion() + ". Run "
            + resources(dialect, version) + " from airlock-core (with Flyway, Liquibase or by"
            + " hand), or build the JdbcApprovalStore with applySchema(true)");
      }
    } catch (SQLException e) {
      throw new ApprovalStoreException("JdbcApprovalStore could not check its tables in the "
          + dialect.productName() + " database (SQLSTATE " + e.getSQLState() + ")", e);
    }
  }

  /** The statements of one script, without comments, in order. */
  static List<String> statements(String resource) {
    String text;
    try (InputStream in = ApprovalSchema.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the resource " + resource + " is missing from the class"
            + " path; airlock-core is incomplete");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + resource, e);
    }
    // The shipped scripts keep to what this needs: comments only as whole "--" lines, and no ";"
    // inside a literal.
    StringBuilder code = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.strip().startsWith("--")) {
        code.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : code.toString().split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /** Runs the scripts after the database's version; returns their names. */
  private static List<String> applyMissing(Connection c, StoreDialect dialect)
      throws SQLException {
    if (dialect == StoreDialect.POSTGRESQL) {
      try (Statement s = c.createStatement()) {
        // Held until commit or rollback: a second instance waits here, then finds the work done.
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
      }
    }
    int version = currentVersion(c);
    refuseNewer(version, dialect);
    List<String> applied = new ArrayList<>();
    for (int v = version + 1; v <= latestVersion(); v++) {
      String resource = dialect.schemaResource(SCRIPTS.get(v - 1));
      try (Statement s = c.createStatement()) {
        for (String statement : statements(resource)) {
          s.execute(statement);
        }
      }
      applied.add(resource);
    }
    return applied;
  }

  /** The highest version recorded, or 0 when there is no version table. */
  private static int currentVersion(Connection c) throws SQLException {
    if (!tableExists(c, "airlock_schema_version")) {
      return 0;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM airlock_schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static void refuseNewer(int version, StoreDialect dialect) {
    if (version > latestVersion()) {
      throw new IllegalStateException("The Airlock approval tables in the "
          + dialect.productName() + " database are at schema version " + version + ", newer than"
          + " the version " + latestVersion() + " this airlock-core knows; use the airlock-core"
          + " that applied them, or a newer one");
    }
  }

  /** Whether a table exists in the connection's current schema. */
  private static boolean tableExists(Connection c, String table) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String name = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT)
        : meta.storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : table;
    String escape = meta.getSearchStringEscape();
    String pattern = escape == null ? name
        : name.replace("_", escape + "_").replace("%", escape + "%");
    try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), pattern, null)) {
      while (rs.next()) {
        if (name.equals(rs.getString("TABLE_NAME"))) {
          return true;
        }
      }
      return false;
    }
  }

  /** The class-path names of the scripts after {@code version}, for messages. */
  private static String resources(StoreDialect dialect, int version) {
    List<String> names = new ArrayList<>();
    for (int v = version + 1; v <= latestVersion(); v++) {
      names.add(dialect.schemaResource(SCRIPTS.get(v - 1)));
    }
    return String.join(", then ", names);
  }
}
