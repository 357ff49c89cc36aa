package dev.airlock.cli;

import dev.airlock.Tier;
import dev.airlock.sql.SqlDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The names the command line accepts for dialects and tiers: the enum names, in any case. */
final class Names {

  /** {@code "postgresql, mysql or h2"}. */
  static final String DIALECTS = choices(SqlDialect.values());
  /** {@code "production, staging, development or replica"}. */
  static final String TIERS = choices(Tier.values());

  private Names() {}

  /**
   * Reads a dialect's name.
   *
   * @param name the name, in any case, e.g. {@code "mysql"}
   * @return the dialect
   * @throws IllegalArgumentException with a message that lists the dialects, if there is none
   */
  static SqlDialect dialect(String name) {
    for (SqlDialect dialect : SqlDialect.values()) {
      if (dialect.name().equalsIgnoreCase(name.strip())) {
        return dialect;
      }
    }
    throw new IllegalArgumentException("unknown dialect '" + name + "'; use " + DIALECTS);
  }

  /**
   * Reads a tier's name.
   *
   * @param name the name, in any case, e.g. {@code "staging"}
   * @return the tier
   * @throws IllegalArgumentException with a message that lists the tiers, if there is none
   */
  static Tier tier(String name) {
    for (Tier tier : Tier.values()) {
      if (tier.name().equalsIgnoreCase(name.strip())) {
        return tier;
      }
    }
    throw new IllegalArgumentException("unknown tier '" + name + "'; use " + TIERS);
  }

  /** The lower-case name the command line shows for a constant. */
  static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  private static String choices(Enum<?>[] constants) {
    List<String> names = new ArrayList<>();
    for (Enum<?> constant : constants) {
      names.add(of(constant));
    }
    String last = names.remove(names.size() - 1);
    return String.join(", ", names) + " or " + last;
  }
}
