package dev.airlock.jdbc;

import dev.airlock.jdbc.CredentialReport.Finding;
import dev.airlock.sql.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Inspects what a connection's user may do beyond reading, per dialect. */
final class Credentials {
  /** More findings than this are summed up in one, so a report stays readable. */
  private static final int MAX_FINDINGS = 50;

  private static final List<String> POSTGRES_ROLES = List.of("pg_write_all_data",
      "pg_execute_server_program", "pg_read_server_files", "pg_write_server_files",
      "pg_signal_backend");

  /** MySQL/MariaDB privileges that only read or only show. */
  private static final Set<String> MYSQL_READ_PRIVILEGES = Set.of("SELECT", "USAGE", "SHOW VIEW",
      "SHOW DATABASES", "PROCESS", "REPLICATION CLIENT", "BINLOG MONITOR", "SLAVE MONITOR",
      "REPLICA MONITOR");

  private static final Pattern MYSQL_GRANT =
      Pattern.compile("^GRANT (.+?) ON (.+?) TO .*$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private Credentials() {}

  static CredentialReport inspect(String environment, SqlDialect dialect, Connection connection) {
    List<Finding> findings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String user = null;
    try {
      user = single(connection, "SELECT CURRENT_USER");
      switch (dialect) {
        case POSTGRESQL -> postgres(connection, findings, notes);
        case MYSQL -> mysql(connection, findings, notes);
        case H2 -> h2(connection, findings, notes);
      }
      return new CredentialReport(environment, dialect, user, capped(findings), notes, null);
    } catch (SQLException | RuntimeException e) {
      return new CredentialReport(environment, dialect, user, capped(findings), notes,
          e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static void postgres(Connection c, List<Finding> findings, List<String> notes)
      throws SQLException {
    if ("t".equals(single(c, "SELECT CASE WHEN rolsuper THEN 't' ELSE 'f' END FROM pg_roles"
        + " WHERE rolname = current_user"))) {
      findings.add(new Finding("superuser", ""));
    }
    try (PreparedStatement s = c.prepareStatement("SELECT rolname FROM pg_roles WHERE rolname ="
        + " ANY (?) AND pg_has_role(current_user, oid, 'USAGE') ORDER BY rolname")) {
      s.setArray(1, c.createArrayOf("text", POSTGRES_ROLES.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          findings.add(new Finding("member of " + rs.getString(1), ""));
        }
      }
    }
    rows(c, "SELECT string_agg(p.priv, ', ' ORDER BY p.priv), quote_ident(n.nspname) || '.'"
        + " || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid ="
        + " c.relnamespace CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'))"
        + " AS p(priv) WHERE c.relkind IN ('r', 'p', 'v', 'f') AND n.nspname NOT IN"
        + " ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
        + " AND has_table_privilege(c.oid, p.priv) GROUP BY n.nspname, c.relname"
        + " ORDER BY 2 LIMIT " + (MAX_FINDINGS + 1), findings);
    rows(c, "SELECT 'CREATE', 'schema ' || quote_ident(nspname) FROM pg_namespace WHERE nspname"
        + " NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%' AND"
        + " has_schema_privilege(oid, 'CREATE') ORDER BY 2", findings);
    rows(c, "SELECT p.priv, 'database ' || quote_ident(current_database()) FROM (VALUES"
        + " ('CREATE'), ('TEMP')) AS p(priv) WHERE has_database_privilege(current_database(),"
        + " p.priv)", findings);
    rows(c, "SELECT concat_ws(', ', CASE WHEN has_sequence_privilege(c.oid, 'USAGE') THEN"
        + " 'USAGE' END, CASE WHEN has_sequence_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END),"
        + " 'sequence ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND n.nspname NOT"
        + " IN ('pg_catalog', 'information_schema') AND (has_sequence_privilege(c.oid, 'USAGE')"
        + " OR has_sequence_privilege(c.oid, 'UPDATE')) ORDER BY 2 LIMIT " + (MAX_FINDINGS + 1),
        findings);
    if (!"on".equals(single(c, "SELECT current_setting('default_transaction_read_only')"))) {
      notes.add("default_transaction_read_only is off for this user; Airlock's reads run in a"
          + " read-only transaction of their own either way");
    }
    notes.add("functions the user may execute are not inspected; a SECURITY DEFINER function can"
        + " write with its owner's rights");
  }

  private static void mysql(Connection c, List<Finding> findings, List<String> notes)
      throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
      while (rs.next()) {
        String grant = rs.getString(1);
        Matcher m = MYSQL_GRANT.matcher(grant);
        if (!m.matches()) {
          // e.g. GRANT `role` TO `user`: the role's privileges count as the user's
          findings.add(new Finding(grant.length() > 200 ? grant.substring(0, 200) : grant,
              "(a role or proxy grant whose privileges were not inspected)"));
          continue;
        }
        List<String> writes = new ArrayList<>();
        for (String privilege : m.group(1).split(",")) {
          String name = privilege.strip().replaceAll("\\s*\\(.*\\)$", "").toUpperCase(Locale.ROOT);
          if (!MYSQL_READ_PRIVILEGES.contains(name)) {
            writes.add(name);
          }
        }
        if (grant.toUpperCase(Locale.ROOT).contains("WITH GRANT OPTION")) {
          writes.add("GRANT OPTION");
        }
        if (!writes.isEmpty()) {
          findings.add(new Finding(String.join(", ", writes), m.group(2).strip()));
        }
      }
    }
    notes.add("a MySQL/MariaDB READ ONLY transaction does not stop DDL or GRANT, which commit"
        + " implicitly: a SELECT-only user is the wall there");
  }

  private static void h2(Connection c, List<Finding> findings, List<String> notes)
      throws SQLException {
    if (c.getMetaData().isReadOnly()) {
      notes.add("the database is opened read-only (ACCESS_MODE_DATA=r): nothing can be written");
      return;
    }
    if (Boolean.parseBoolean(single(c, "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS"
        + " WHERE USER_NAME = CURRENT_USER"))) {
      findings.add(new Finding("ADMIN", ""));
    }
    rows(c, "SELECT 'owner', 'schema ' || SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA"
        + " WHERE SCHEMA_OWNER = CURRENT_USER ORDER BY 2", findings);
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT RIGHTS,"
        + " TABLE_SCHEMA, TABLE_NAME, GRANTEDROLE FROM INFORMATION_SCHEMA.RIGHTS"
        + " WHERE GRANTEE = CURRENT_USER")) {
      while (rs.next()) {
        String role = rs.getString(4);
        if (role != null && !role.isEmpty()) {
          findings.add(new Finding("role " + role, "(its rights were not inspected)"));
          continue;
        }
        List<String> writes = new ArrayList<>();
        for (String right : String.valueOf(rs.getString(1)).split(",")) {
          String name = right.strip().toUpperCase(Locale.ROOT);
          if (!name.equals("SELECT") && !name.isEmpty()) {
            writes.add(name);
          }
        }
        if (!writes.isEmpty()) {
          String table = rs.getString(3);
          findings.add(new Finding(String.join(", ", writes),
              table == null || table.isEmpty() ? "schema " + rs.getString(2)
                  : rs.getString(2) + "." + table));
        }
      }
    }
    notes.add("H2 has no read-only transaction: open the read database with ACCESS_MODE_DATA=r"
        + " or use a SELECT-only user");
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static void rows(Connection c, String sql, List<Finding> findings)
      throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        findings.add(new Finding(rs.getString(1), rs.getString(2)));
      }
    }
  }

  private static List<Finding> capped(List<Finding> findings) {
    if (findings.size() <= MAX_FINDINGS) {
      return findings;
    }
    List<Finding> capped = new ArrayList<>(findings.subList(0, MAX_FINDINGS));
    capped.add(new Finding("and more", (findings.size() - MAX_FINDINGS) + "+ further findings"));
    return capped;
  }
}
