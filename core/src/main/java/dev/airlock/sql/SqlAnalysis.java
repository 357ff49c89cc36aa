package dev.airlock.sql;

import dev.airlock.Effect;
import dev.airlock.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The analysis of one SQL text: one {@link StatementInfo} per statement the dialect's server would
 * see, and the overall effect, the most severe of theirs. A text with no statement at all (empty,
 * or only comments) is {@link Effect#UNKNOWN}. Immutable and small, so it can be cached.
 *
 * @param dialect the dialect the text was read in
 * @param statements the statements, in order
 * @param effect the most severe effect among the statements
 * @param reasons the reasons of the statements that have that effect, in order; never empty
 */
public record SqlAnalysis(
    SqlDialect dialect, List<StatementInfo> statements, Effect effect, List<Reason> reasons) {

  /**
   * Validates the components and copies the lists.
   *
   * @throws NullPointerException if a component or an element is null
   * @throws IllegalArgumentException if {@code reasons} is empty: every analysis says why
   */
  public SqlAnalysis {
    Objects.requireNonNull(dialect, "dialect");
    statements = List.copyOf(statements);
    Objects.requireNonNull(effect, "effect");
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("reasons must not be empty: every analysis says why");
    }
  }

  /** Whether every statement is a read. */
  public boolean isRead() {
    return effect == Effect.READ;
  }

  /**
   * The analysis of the statements of the default reading, made more severe by statements a
   * differently configured server would see ({@code alternatives}), which are not counted.
   */
  static SqlAnalysis of(SqlDialect dialect, List<StatementInfo> statements,
      List<StatementInfo> alternatives, Reason empty) {
    if (statements.isEmpty() && alternatives.isEmpty()) {
      return new SqlAnalysis(dialect, statements, Effect.UNKNOWN, List.of(empty));
    }
    List<StatementInfo> all = new ArrayList<>(statements);
    all.addAll(alternatives);
    Effect effect = statements.isEmpty() ? Effect.UNKNOWN : Effect.READ;
    for (StatementInfo statement : all) {
      effect = Effect.mostSevere(effect, statement.effect());
    }
    List<Reason> reasons = new ArrayList<>();
    if (statements.isEmpty()) {
      reasons.add(empty);
    }
    for (StatementInfo statement : all) {
      if (statement.effect() == effect) {
        for (Reason reason : statement.reasons()) {
          if (!reasons.contains(reason)) {
            reasons.add(reason);
          }
        }
      }
    }
    return new SqlAnalysis(dialect, statements, effect, reasons);
  }
}
