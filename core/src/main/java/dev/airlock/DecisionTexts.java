package dev.airlock;

import java.util.List;

/** Validation and the one refusal format shared by the three {@link Decision} records. */
final class DecisionTexts {
  private DecisionTexts() {}

  static void checkCeiling(Long maxRows) {
    if (maxRows != null && maxRows < 0) {
      throw new IllegalArgumentException("maxRows must not be negative, but was " + maxRows);
    }
  }

  static List<Reason> checked(String id, String callId, Effect effect, List<Reason> reasons) {
    Checks.notBlank(id, "id");
    Checks.notBlank(callId, "callId");
    Checks.notNull(effect, "effect");
    List<Reason> copy = List.copyOf(Checks.notNull(reasons, "reasons"));
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("reasons must not be empty: every decision says why");
    }
    return copy;
  }

  static String refusal(Reason reason, String next) {
    String why = reason.message().strip();
    String stop = why.endsWith(".") || why.endsWith("!") || why.endsWith("?") ? "" : ".";
    return "Refused by Airlock (" + reason.policy() + ", " + reason.code() + "): " + why + stop
        + " " + next;
  }
}
