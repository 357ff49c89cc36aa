package dev.airlock.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsBooleanExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperator;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;

/**
 * Decides whether a WHERE clause is always true by its text alone. The guard cannot see
 * nullability, so {@code id = id} and {@code x IS NULL OR x IS NOT NULL} count as always true.
 * Anything this class cannot decide is "may be false": the clause is taken as a real predicate.
 */
final class Tautology {

  private static final Object NULL = new Object();

  private final String targetTable;

  /** @param targetTable the table the DELETE or UPDATE changes, lower case, for self-subqueries */
  Tautology(String targetTable) {
    this.targetTable = targetTable;
  }

  boolean alwaysTrue(Expression e) {
    e = unwrap(e);
    if (e == null) {
      return false;
    }
    if (e instanceof OrExpression or) {
      List<Expression> disjuncts = new ArrayList<>();
      flatten(or, disjuncts, true);
      for (Expression d : disjuncts) {
        if (alwaysTrue(d)) {
          return true;
        }
      }
      return hasComplementaryPair(disjuncts);
    }
    if (e instanceof AndExpression and) {
      return alwaysTrue(and.getLeftExpression()) && alwaysTrue(and.getRightExpression());
    }
    if (e instanceof NotExpression not) {
      return alwaysFalse(not.getExpression());
    }
    Object value = fold(e);
    if (value != null) {
      return truthy(value);
    }
    if (e instanceof EqualsTo || e instanceof GreaterThanEquals || e instanceof MinorThanEquals) {
      ComparisonOperator c = (ComparisonOperator) e;
      return same(c.getLeftExpression(), c.getRightExpression());
    }
    if (e instanceof LikeExpression like && !like.isNot()) {
      Object pattern = fold(like.getRightExpression());
      return pattern instanceof String s && !s.isEmpty() && s.chars().allMatch(ch -> ch == '%');
    }
    if (e instanceof RegExpMatchOperator regex) {
      Object pattern = fold(regex.getRightExpression());
      return pattern instanceof String s && (s.isEmpty() || s.equals(".*") || s.equals("^"));
    }
    if (e instanceof InExpression in && !in.isNot()) {
      return selfSubquery(in);
    }
    if (e instanceof ExistsExpression exists && !exists.isNot()) {
      return unfilteredSelect(exists.getRightExpression());
    }
    if (e instanceof IsBooleanExpression is) {
      boolean test = is.isTrue() != is.isNot();
      return test ? alwaysTrue(is.getLeftExpression()) : alwaysFalse(is.getLeftExpression());
    }
    return false;
  }

  boolean alwaysFalse(Expression e) {
    e = unwrap(e);
    if (e == null) {
      return false;
    }
    if (e instanceof AndExpression and) {
      List<Expression> conjuncts = new ArrayList<>();
      flatten(and, conjuncts, false);
      for (Expression c : conjuncts) {
        if (alwaysFalse(c)) {
          return true;
        }
      }
      return hasContradiction(conjuncts);
    }
    if (e instanceof OrExpression or) {
      return alwaysFalse(or.getLeftExpression()) && alwaysFalse(or.getRightExpression());
    }
    if (e instanceof NotExpression not) {
      return alwaysTrue(not.getExpression());
    }
    Object value = fold(e);
    if (value != null) {
      return !truthy(value);
    }
    if (e instanceof NotEqualsTo || e instanceof GreaterThan || e instanceof MinorThan) {
      ComparisonOperator c = (ComparisonOperator) e;
      return same(c.getLeftExpression(), c.getRightExpression());
    }
    return false;
  }

  private boolean hasComplementaryPair(List<Expression> disjuncts) {
    // Names are compared without case: unquoted names are case-insensitive, and taking two
    // quoted names that differ only in case for the same column errs towards "always true".
    List<String> texts = new ArrayList<>();
    for (Expression d : disjuncts) {
      texts.add(unwrap(d).toString().toLowerCase(Locale.ROOT));
    }
    for (Expression d : disjuncts) {
      String negation = negation(unwrap(d));
      if (negation != null && texts.contains(negation.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private boolean hasContradiction(List<Expression> conjuncts) {
    return hasComplementaryPair(conjuncts);
  }

  /** The text of the negation of a simple predicate, as JSqlParser would print it. */
  private static String negation(Expression e) {
    if (e instanceof IsNullExpression is) {
      return new IsNullExpression(is.getLeftExpression()).withNot(!is.isNot()).toString();
    }
    if (e instanceof NotExpression not) {
      return unwrap(not.getExpression()).toString();
    }
    if (e instanceof EqualsTo c) {
      return new NotEqualsTo(c.getLeftExpression(), c.getRightExpression()).toString();
    }
    if (e instanceof NotEqualsTo c) {
      return new EqualsTo(c.getLeftExpression(), c.getRightExpression()).toString();
    }
    if (e instanceof GreaterThan c) {
      return new MinorThanEquals(c.getLeftExpression(), c.getRightExpression()).toString();
    }
    if (e instanceof MinorThanEquals c) {
      return new GreaterThan(c.getLeftExpression(), c.getRightExpression()).toString();
    }
    if (e instanceof MinorThan c) {
      return new GreaterThanEquals(c.getLeftExpression(), c.getRightExpression()).toString();
    }
    if (e instanceof GreaterThanEquals c) {
      return new MinorThan(c.getLeftExpression(), c.getRightExpression()).toString();
    }
    return "NOT " + e;
  }

  /** {@code id IN (SELECT id FROM the_same_table)} without a filter of its own. */
  private boolean selfSubquery(InExpression in) {
    if (!(unwrap(in.getLeftExpression()) instanceof Column left)) {
      return false;
    }
    Expression right = in.getRightExpression();
    PlainSelect select = plainSelect(right);
    if (select == null || select.getWhere() != null || select.getJoins() != null
        || select.getHaving() != null || select.getLimit() != null) {
      return false;
    }
    if (!(select.getFromItem() instanceof Table table) || targetTable == null
        || !name(table).equals(targetTable)) {
      return false;
    }
    if (select.getSelectItems() == null || select.getSelectItems().size() != 1) {
      return false;
    }
    Expression item = unwrap(select.getSelectItems().get(0).getExpression());
    return item instanceof Column column
        && column.getColumnName().equalsIgnoreCase(left.getColumnName());
  }

  /** {@code EXISTS (SELECT 1 FROM the_same_table)} or {@code EXISTS (SELECT 1)}. */
  private boolean unfilteredSelect(Expression e) {
    PlainSelect select = plainSelect(e);
    if (select == null || select.getWhere() != null || select.getJoins() != null
        || select.getHaving() != null || select.getLimit() != null || select.getGroupBy() != null) {
      return false;
    }
    if (select.getFromItem() == null) {
      return true;
    }
    return select.getFromItem() instanceof Table table && targetTable != null
        && name(table).equals(targetTable);
  }

  private static PlainSelect plainSelect(Expression e) {
    Object candidate = e;
    if (candidate instanceof ParenthesedSelect parenthesed) {
      candidate = parenthesed.getSelect();
    }
    while (candidate instanceof ParenthesedSelect parenthesed) {
      candidate = parenthesed.getSelect();
    }
    if (candidate instanceof Select select && select.getWithItemsList() != null) {
      return null;
    }
    return candidate instanceof PlainSelect plain ? plain : null;
  }

  static String name(Table table) {
    return unquote(table.getName()).toLowerCase(Locale.ROOT);
  }

  static String unquote(String name) {
    if (name != null && name.length() >= 2
        && (name.charAt(0) == '"' || name.charAt(0) == '`')
        && name.charAt(name.length() - 1) == name.charAt(0)) {
      return name.substring(1, name.length() - 1);
    }
    return name == null ? "" : name;
  }

  private static boolean same(Expression a, Expression b) {
    Expression left = unwrap(a);
    Expression right = unwrap(b);
    return left != null && right != null && fold(left) == null
        && left.toString().equalsIgnoreCase(right.toString());
  }

  private static void flatten(Expression e, List<Expression> into, boolean or) {
    Expression u = unwrap(e);
    if (or && u instanceof OrExpression o) {
      flatten(o.getLeftExpression(), into, true);
      flatten(o.getRightExpression(), into, true);
    } else if (!or && u instanceof AndExpression a) {
      flatten(a.getLeftExpression(), into, false);
      flatten(a.getRightExpression(), into, false);
    } else {
      into.add(u);
    }
  }

  static Expression unwrap(Expression e) {
    while (true) {
      if (e instanceof Parenthesis p) {
        e = p.getExpression();
      } else if (e instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
        e = list.get(0);
      } else {
        return e;
      }
    }
  }

  /** The constant value of an expression: Boolean, BigDecimal, String or NULL; null if not constant. */
  static Object fold(Expression e) {
    e = unwrap(e);
    if (e instanceof LongValue v) {
      return new BigDecimal(v.getStringValue());
    }
    if (e instanceof DoubleValue v) {
      return BigDecimal.valueOf(v.getValue());
    }
    if (e instanceof HexValue) {
      return null;
    }
    if (e instanceof StringValue v) {
      return v.getValue().replace("''", "'");
    }
    if (e instanceof BooleanValue v) {
      return v.getValue();
    }
    if (e instanceof NullValue) {
      return NULL;
    }
    if (e instanceof Column c && c.getTable() == null) {
      String name = c.getColumnName();
      if (name.equalsIgnoreCase("true")) {
        return Boolean.TRUE;
      }
      if (name.equalsIgnoreCase("false")) {
        return Boolean.FALSE;
      }
      return null;
    }
    if (e instanceof SignedExpression s) {
      Object inner = fold(s.getExpression());
      if (inner instanceof BigDecimal d) {
        return s.getSign() == '-' ? d.negate() : d;
      }
      return null;
    }
    if (e instanceof NotExpression not) {
      Object inner = fold(not.getExpression());
      return inner == null ? null : inner == NULL ? NULL : !truthy(inner);
    }
    if (e instanceof Addition || e instanceof Subtraction || e instanceof Multiplication) {
      var binary = (net.sf.jsqlparser.expression.BinaryExpression) e;
      if (fold(binary.getLeftExpression()) instanceof BigDecimal l
          && fold(binary.getRightExpression()) instanceof BigDecimal r) {
        return e instanceof Addition ? l.add(r) : e instanceof Subtraction ? l.subtract(r)
            : l.multiply(r);
      }
      return null;
    }
    if (e instanceof ComparisonOperator c) {
      Object l = fold(c.getLeftExpression());
      Object r = fold(c.getRightExpression());
      if (l == null || r == null) {
        return null;
      }
      if (l == NULL || r == NULL) {
        return NULL;
      }
      Integer order = compare(l, r);
      if (order == null) {
        return null;
      }
      String op = c.getStringExpression().replace(" ", "");
      return switch (op) {
        case "=", "==" -> order == 0;
        case "<>", "!=" -> order != 0;
        case ">" -> order > 0;
        case ">=" -> order >= 0;
        case "<" -> order < 0;
        case "<=" -> order <= 0;
        default -> null;
      };
    }
    if (e instanceof IsNullExpression is) {
      Object inner = fold(is.getLeftExpression());
      return inner == null ? null : (inner == NULL) != is.isNot();
    }
    if (e instanceof AndExpression and) {
      Object l = fold(and.getLeftExpression());
      Object r = fold(and.getRightExpression());
      return l != null && r != null && l != NULL && r != NULL ? truthy(l) && truthy(r) : null;
    }
    if (e instanceof OrExpression or) {
      Object l = fold(or.getLeftExpression());
      Object r = fold(or.getRightExpression());
      return l != null && r != null && l != NULL && r != NULL ? truthy(l) || truthy(r) : null;
    }
    if (e instanceof InExpression in && in.getRightExpression() instanceof ExpressionList<?> list) {
      Object left = fold(in.getLeftExpression());
      if (left == null || left == NULL) {
        return null;
      }
      for (Object item : list) {
        Object value = fold((Expression) item);
        if (value == null) {
          return null;
        }
        if (value != NULL && Integer.valueOf(0).equals(compare(left, value))) {
          return !in.isNot();
        }
      }
      return in.isNot();
    }
    if (e instanceof Function f && f.getParameters() != null) {
      String name = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
      if (name.equals("coalesce") || name.equals("ifnull") || name.equals("nvl")) {
        for (Object argument : f.getParameters()) {
          Object value = fold((Expression) argument);
          if (value == null) {
            return null;
          }
          if (value != NULL) {
            return value;
          }
        }
        return NULL;
      }
    }
    return null;
  }

  private static Integer compare(Object l, Object r) {
    if (l instanceof BigDecimal a && r instanceof BigDecimal b) {
      return a.compareTo(b);
    }
    if (l instanceof String a && r instanceof String b) {
      return a.compareTo(b);
    }
    if (l instanceof Boolean a && r instanceof Boolean b) {
      return a.compareTo(b);
    }
    if (l instanceof BigDecimal || r instanceof BigDecimal) {
      BigDecimal a = number(l);
      BigDecimal b = number(r);
      return a == null || b == null ? null : a.compareTo(b);
    }
    return null;
  }

  private static BigDecimal number(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (value instanceof String s) {
      try {
        return new BigDecimal(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static boolean truthy(Object value) {
    if (value == NULL) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    BigDecimal number = number(value);
    return number != null && number.signum() != 0;
  }
}
