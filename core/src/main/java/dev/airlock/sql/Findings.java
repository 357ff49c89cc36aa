package dev.airlock.sql;

import dev.airlock.Effect;
import dev.airlock.Reason;
import dev.airlock.ReasonCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The effect found so far for one statement and every reason for it. */
final class Findings {

  /** The policy name under which analysis reasons appear in a decision. */
  static final String POLICY = "sql-analysis";

  private record Finding(Effect effect, Reason reason) {}

  private final List<Finding> findings = new ArrayList<>();
  private Effect effect = Effect.READ;

  void raise(Effect effect, ReasonCode code, String message) {
    Reason reason = new Reason(code, POLICY, message);
    for (Finding finding : findings) {
      if (finding.reason().equals(reason)) {
        return;
      }
    }
    findings.add(new Finding(effect, reason));
    this.effect = Effect.mostSevere(this.effect, effect);
  }

  /** Like {@link #raise}, unless a reason with this code is already recorded. */
  void raiseOnce(Effect effect, ReasonCode code, String message) {
    if (!has(code)) {
      raise(effect, code, message);
    }
  }

  /** Visits every finding with its effect. */
  void forEach(java.util.function.BiConsumer<Effect, Reason> visitor) {
    for (Finding finding : findings) {
      visitor.accept(finding.effect(), finding.reason());
    }
  }

  boolean has(ReasonCode code) {
    for (Finding finding : findings) {
      if (finding.reason().code().equals(code)) {
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return findings.isEmpty();
  }

  Effect effect() {
    return effect;
  }

  /** Every reason, the most severe first (stable within an effect). */
  List<Reason> reasons() {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparingInt((Finding f) -> f.effect().severity()).reversed());
    List<Reason> reasons = new ArrayList<>(sorted.size());
    for (Finding finding : sorted) {
      reasons.add(finding.reason());
    }
    return reasons;
  }
}
