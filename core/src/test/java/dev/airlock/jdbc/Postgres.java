package dev.airlock.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One embedded PostgreSQL 14 for the JDBC tests of this JVM, with a fresh database per test class
 * and the roles the tests connect as: {@code airlock_reader} (SELECT only, without PostgreSQL's
 * default CREATE on public and TEMP) and {@code airlock_writer}.
 */
public final class Postgres {
  private static EmbeddedPostgres server;
  private static int databases;

  private Postgres() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException e) {
          // the JVM is ending; the temporary directory goes with it
        }
      }));
      run(admin("postgres"), "CREATE ROLE airlock_reader LOGIN", "CREATE ROLE airlock_writer LOGIN");
    }
    return server;
  }

  /** A new database, owned by the writer, with the reader limited to SELECT. */
  public static synchronized String newDatabase() {
    server();
    String name = "airlock_test_" + (++databases);
    run(admin("postgres"), "CREATE DATABASE " + name + " OWNER airlock_writer",
        "REVOKE TEMP, CREATE ON DATABASE " + name + " FROM PUBLIC");
    run(admin(name), "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "ALTER SCHEMA public OWNER TO airlock_writer",
        "ALTER DEFAULT PRIVILEGES FOR ROLE airlock_writer GRANT SELECT ON TABLES TO airlock_reader",
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT SELECT ON TABLES TO airlock_reader",
        "ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON TABLES TO airlock_writer");
    return name;
  }

  /** A data source that connects to {@code database} as {@code user}. */
  public static DataSource as(String user, String database) {
    PGSimpleDataSource data = new PGSimpleDataSource();
    data.setUrl(server().getJdbcUrl(user, database));
    return data;
  }

  /** A data source that connects to {@code database} as the superuser. */
  public static DataSource admin(String database) {
    return as("postgres", database);
  }

  /** Runs each statement in order on one connection. */
  public static void run(DataSource data, String... statements) {
    try (Connection c = data.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The first column of the first row of a query. */
  public static long count(DataSource data, String sql) {
    try (Connection c = data.getConnection(); Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
