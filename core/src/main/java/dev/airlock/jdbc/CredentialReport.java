package dev.airlock.jdbc;

import dev.airlock.sql.SqlDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * What the read credentials of an environment may do beyond reading: the seed rule "agents have
 * read-only access to production" checked at the database. A {@link GuardedDataSource} inspects
 * them on first use of a production or replica environment, writes the report to the audit log
 * and logs a WARN for each finding; with {@code requireReadOnlyCredentials} it refuses every read
 * while there is one ({@code WRITABLE_CREDENTIALS}). Immutable.
 *
 * <p>On PostgreSQL it looks for superuser, {@code INSERT/UPDATE/DELETE/TRUNCATE} on user tables,
 * {@code CREATE} on schemas and the database, {@code TEMP}, sequence {@code USAGE/UPDATE} and
 * membership of {@code pg_write_all_data}, {@code pg_execute_server_program}, {@code
 * pg_read_server_files}, {@code pg_write_server_files} and {@code pg_signal_backend}; on MySQL and
 * MariaDB at {@code SHOW GRANTS}; on H2 at the database's access mode, admin rights, schema
 * ownership and table rights.
 *
 * @param environment the environment whose credentials were inspected
 * @param dialect its dialect
 * @param user the database user, as the database names it; null if it could not be asked
 * @param findings what the credentials may do beyond reading; empty when they only read
 * @param notes what the check saw but does not count, e.g. a session default that is not
 *     read-only, or what it could not inspect
 * @param error why the check itself failed, or null; a failed check counts as not read-only
 */
public record CredentialReport(
    String environment,
    SqlDialect dialect,
    String user,
    List<Finding> findings,
    List<String> notes,
    String error) {

  /**
   * One thing the credentials may do beyond reading.
   *
   * @param privilege the privilege or role, e.g. {@code "INSERT, UPDATE"} or {@code "superuser"}
   * @param object what it applies to, e.g. {@code "public.executives"}, or {@code ""}
   */
  public record Finding(String privilege, String object) {
    /**
     * Validates the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Finding {
      Objects.requireNonNull(privilege, "privilege");
      Objects.requireNonNull(object, "object");
    }

    @Override
    public String toString() {
      return object.isEmpty() ? privilege : privilege + " on " + object;
    }
  }

  /**
   * Validates the components and copies the lists.
   *
   * @throws NullPointerException if {@code environment}, {@code dialect} or a list is null
   */
  public CredentialReport {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(dialect, "dialect");
    findings = List.copyOf(findings);
    notes = List.copyOf(notes);
  }

  /**
   * Tells whether the credentials were shown to only read: no finding, and the check succeeded.
   *
   * @return whether they are read-only
   */
  public boolean isReadOnly() {
    return findings.isEmpty() && error == null;
  }

  /**
   * A few lines for a person: the verdict, then each finding and note.
   *
   * @return the text
   */
  public String describe() {
    StringBuilder text = new StringBuilder();
    text.append("Read credentials of '").append(environment).append("'")
        .append(user != null ? " (user " + user + ")" : "").append(": ")
        .append(error != null ? "could not be checked: " + error
            : findings.isEmpty() ? "read-only" : "can do more than read");
    for (Finding finding : findings) {
      text.append(System.lineSeparator()).append("  - ").append(finding);
    }
    for (String note : notes) {
      text.append(System.lineSeparator()).append("  note: ").append(note);
    }
    return text.toString();
  }

  /** The report as audit fields. */
  Map<String, Object> toFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("environment", environment);
    fields.put("dialect", dialect.name());
    fields.put("user", user);
    fields.put("readOnly", isReadOnly());
    List<Object> list = new ArrayList<>();
    for (Finding finding : findings) {
      list.add(finding.toString());
    }
    fields.put("findings", list);
    fields.put("notes", List.copyOf(notes));
    fields.put("error", error);
    return fields;
  }
}
