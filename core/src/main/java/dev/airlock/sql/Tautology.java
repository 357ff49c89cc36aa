package dev.airlock.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.conditional.XorExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.CosineSimilarity;
import net.sf.jsqlparser.expression.operators.relational.DoubleAnd;
import net.sf.jsqlparser.expression.operators.relational.IsDistinctExpression;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
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
  private final SqlDialect dialect;

  /**
   * @param targetTable the table the DELETE or UPDATE changes, lower case, for self-subqueries
   * @param dialect the dialect, whose conversions decide what a constant means
   */
  Tautology(String targetTable, SqlDialect dialect) {
    this.targetTable = targetTable;
    this.dialect = dialect;
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
    if (e instanceof EqualsTo || e instanceof GreaterThanEquals || e instanceof MinorThanEquals
        || e instanceof CosineSimilarity) {
      BinaryExpression c = (BinaryExpression) e;
      if (c.getRightExpression() instanceof AnyComparisonExpression any) {
        return e instanceof EqualsTo && selfSubquery(c.getLeftExpression(), any.getSelect());
      }
      if (e instanceof EqualsTo && Boolean.TRUE.equals(fold(c.getRightExpression()))) {
        return alwaysTrue(c.getLeftExpression());
      }
      if (e instanceof EqualsTo && Boolean.TRUE.equals(fold(c.getLeftExpression()))) {
        return alwaysTrue(c.getRightExpression());
      }
      return same(c.getLeftExpression(), c.getRightExpression());
    }
    if (e instanceof IsDistinctExpression distinct && distinct.isNot()) {
      return same(distinct.getLeftExpression(), distinct.getRightExpression());
    }
    if (e instanceof Between between && !between.isNot()) {
      return same(between.getLeftExpression(), between.getBetweenExpressionStart())
          && same(between.getLeftExpression(), between.getBetweenExpressionEnd());
    }
    if (e instanceof LikeExpression like && !like.isNot()) {
      Object pattern = fold(like.getRightExpression());
      if (!(pattern instanceof String s)) {
        return false;
      }
      String keyword = String.valueOf(like.getLikeKeyWord()).toUpperCase(Locale.ROOT);
      if (keyword.contains("REGEXP") || keyword.contains("RLIKE")) {
        return matchesEverything(s);
      }
      return !s.isEmpty() && s.chars().allMatch(ch -> ch == '%');
    }
    if (e instanceof RegExpMatchOperator regex) {
      Object pattern = fold(regex.getRightExpression());
      String operator = regex.getStringExpression();
      return pattern instanceof String s && !operator.startsWith("!") && matchesEverything(s);
    }
    if (e instanceof InExpression in && !in.isNot()) {
      if (in.getRightExpression() instanceof ExpressionList<?> list) {
        for (Object item : list) {
          if (same(in.getLeftExpression(), (Expression) item)) {
            return true;
          }
        }
        return false;
      }
      return selfSubquery(in.getLeftExpression(), in.getRightExpression());
    }
    if (e instanceof ExistsExpression exists) {
      PlainSelect select = plainSelect(exists.getRightExpression());
      if (exists.isNot()) {
        return select != null && select.getWhere() != null && select.getGroupBy() == null
            && alwaysFalse(select.getWhere());
      }
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
    if (e instanceof ExistsExpression exists && !exists.isNot()) {
      PlainSelect select = plainSelect(exists.getRightExpression());
      return select != null && select.getWhere() != null && select.getGroupBy() == null
          && alwaysFalse(select.getWhere());
    }
    if (e instanceof NotEqualsTo || e instanceof GreaterThan || e instanceof MinorThan) {
      ComparisonOperator c = (ComparisonOperator) e;
      return same(c.getLeftExpression(), c.getRightExpression());
    }
    return false;
  }

  private boolean hasComplementaryPair(List<Expression> disjuncts) {
    List<String> texts = new ArrayList<>();
    for (Expression d : disjuncts) {
      texts.add(predicate(unwrap(d), false));
    }
    for (Expression d : disjuncts) {
      String negation = predicate(unwrap(d), true);
      if (negation != null && texts.contains(negation)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A canonical text for a simple predicate or its negation: operands in a fixed order (so
   * {@code id <> 0} and {@code 0 = id} are recognised as opposites), names compared without quotes
   * or case, since a guard that cannot see nullability or collations errs towards "always true".
   */
  private String predicate(Expression e, boolean negated) {
    if (e instanceof NotExpression not) {
      return predicate(unwrap(not.getExpression()), !negated);
    }
    if (e instanceof IsNullExpression is) {
      return canonical(simplify(is.getLeftExpression())) + " is"
          + (is.isNot() != negated ? " not" : "") + " null";
    }
    if (e instanceof ComparisonOperator c && !(c.getRightExpression() instanceof AnyComparisonExpression)) {
      String op = c.getStringExpression().replace(" ", "");
      String l = canonical(simplify(c.getLeftExpression()));
      String r = canonical(simplify(c.getRightExpression()));
      if (negated) {
        op = switch (op) {
          case "=" -> "<>";
          case "<>", "!=" -> "=";
          case "<" -> ">=";
          case ">=" -> "<";
          case ">" -> "<=";
          case "<=" -> ">";
          default -> null;
        };
        if (op == null) {
          return null;
        }
      }
      if (op.equals("!=")) {
        op = "<>";
      }
      if (l.compareTo(r) > 0) {
        String t = l;
        l = r;
        r = t;
        op = switch (op) {
          case "<" -> ">";
          case ">" -> "<";
          case "<=" -> ">=";
          case ">=" -> "<=";
          default -> op;
        };
      }
      return l + " " + op + " " + r;
    }
    String text = canonical(e);
    return negated ? "not " + text : text;
  }

  private boolean hasContradiction(List<Expression> conjuncts) {
    return hasComplementaryPair(conjuncts);
  }

  /** {@code id IN (SELECT id FROM the_same_table)} without a filter of its own. */
  private boolean selfSubquery(Expression leftExpression, Object right) {
    if (!(unwrap(leftExpression) instanceof Column left)) {
      return false;
    }
    PlainSelect select = right instanceof Expression e ? plainSelect(e)
        : right instanceof PlainSelect plain ? plain
        : right instanceof ParenthesedSelect p ? plainSelect(p) : null;
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
        && unquote(column.getColumnName()).equalsIgnoreCase(unquote(left.getColumnName()));
  }

  /** Whether a regular expression finds a match in every string: it matches the empty one. */
  private static boolean matchesEverything(String regex) {
    try {
      return java.util.regex.Pattern.compile(regex).matcher("").find();
    } catch (RuntimeException e) {
      return false;
    }
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

  private boolean same(Expression a, Expression b) {
    Expression left = simplify(a);
    Expression right = simplify(b);
    return left != null && right != null && fold(left) == null
        && canonical(left).equals(canonical(right));
  }

  /** Drops what cannot change a value: parentheses, casts, {@code + 0}, {@code * 1}, NULL first
   * arguments of COALESCE. */
  private Expression simplify(Expression e) {
    while (true) {
      e = unwrap(e);
      if (e instanceof CastExpression cast) {
        e = cast.getLeftExpression();
      } else if ((e instanceof Addition || e instanceof Subtraction)
          && isNumber(((BinaryExpression) e).getRightExpression(), 0)) {
        e = ((BinaryExpression) e).getLeftExpression();
      } else if (e instanceof Addition add && isNumber(add.getLeftExpression(), 0)) {
        e = add.getRightExpression();
      } else if ((e instanceof Multiplication || e instanceof Division)
          && isNumber(((BinaryExpression) e).getRightExpression(), 1)) {
        e = ((BinaryExpression) e).getLeftExpression();
      } else if (e instanceof Multiplication m && isNumber(m.getLeftExpression(), 1)) {
        e = m.getRightExpression();
      } else if (e instanceof Function f && isCoalesce(f) && f.getParameters() != null) {
        Expression first = null;
        for (Object argument : f.getParameters()) {
          if (fold((Expression) argument) != NULL) {
            first = (Expression) argument;
            break;
          }
        }
        if (first == null) {
          return e;
        }
        e = first;
      } else {
        return e;
      }
    }
  }

  private boolean isNumber(Expression e, int n) {
    return fold(e) instanceof BigDecimal d && d.compareTo(BigDecimal.valueOf(n)) == 0;
  }

  private static boolean isCoalesce(Function f) {
    String name = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
    return name.equals("coalesce") || name.equals("ifnull") || name.equals("nvl");
  }

  /**
   * A text for comparing expressions: names without quotes and case, and without the qualifier
   * when it names the table being changed ({@code orders.id} and {@code "id"} are {@code id}).
   */
  private String canonical(Expression e) {
    if (e instanceof Column column) {
      String name = unquote(column.getColumnName()).toLowerCase(Locale.ROOT);
      Table table = column.getTable();
      if (table == null || table.getName() == null || name(table).equals(targetTable)) {
        return name;
      }
      return name(table) + "." + name;
    }
    return e.toString().toLowerCase(Locale.ROOT).replace("\"", "").replace("`", "");
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
  Object fold(Expression e) {
    e = unwrap(e);
    if (e instanceof LongValue v) {
      return new BigDecimal(v.getStringValue());
    }
    if (e instanceof DoubleValue v) {
      return BigDecimal.valueOf(v.getValue());
    }
    if (e instanceof HexValue hex) {
      if (dialect != SqlDialect.MYSQL) {
        return null;
      }
      String digits = hex.getValue().replaceAll("(?i)^(0x|x')|'$", "");
      try {
        return new BigDecimal(new java.math.BigInteger(digits.isEmpty() ? "0" : digits, 16));
      } catch (NumberFormatException ex) {
        return null;
      }
    }
    if (e instanceof CastExpression cast) {
      return fold(cast.getLeftExpression());
    }
    if (e instanceof CaseExpression caseExpression && caseExpression.getSwitchExpression() == null) {
      for (WhenClause when : caseExpression.getWhenClauses()) {
        Object condition = fold(when.getWhenExpression());
        if (condition == null) {
          return null;
        }
        if (truthy(condition)) {
          return fold(when.getThenExpression());
        }
      }
      return caseExpression.getElseExpression() == null ? NULL
          : fold(caseExpression.getElseExpression());
    }
    if (e instanceof ParenthesedSelect scalar && scalar.getSelect() instanceof PlainSelect select
        && select.getFromItem() == null && select.getWhere() == null
        && select.getSelectItems() != null && select.getSelectItems().size() == 1) {
      return fold(select.getSelectItems().get(0).getExpression());
    }
    if (e instanceof XorExpression xor) {
      Object l = fold(xor.getLeftExpression());
      Object r = fold(xor.getRightExpression());
      return l != null && r != null && l != NULL && r != NULL ? truthy(l) != truthy(r) : null;
    }
    if (e instanceof Concat concat) {
      Object l = fold(concat.getLeftExpression());
      Object r = fold(concat.getRightExpression());
      if (l == null || r == null) {
        return null;
      }
      if (dialect == SqlDialect.MYSQL) { // || is OR in MySQL's default sql_mode
        return l != NULL && r != NULL ? truthy(l) || truthy(r) : null;
      }
      return l == NULL || r == NULL ? NULL : text(l) + text(r);
    }
    if (e instanceof DoubleAnd and && dialect == SqlDialect.MYSQL) {
      Object l = fold(and.getLeftExpression());
      Object r = fold(and.getRightExpression());
      return l != null && r != null && l != NULL && r != NULL ? truthy(l) && truthy(r) : null;
    }
    if (e instanceof CosineSimilarity nullSafe && dialect == SqlDialect.MYSQL) {
      Object l = fold(nullSafe.getLeftExpression());
      Object r = fold(nullSafe.getRightExpression());
      if (l == null || r == null) {
        return null;
      }
      if (l == NULL || r == NULL) {
        return l == r;
      }
      Integer order = compare(l, r);
      return order == null ? null : order == 0;
    }
    if (e instanceof LikeExpression like && !String.valueOf(like.getLikeKeyWord())
        .toUpperCase(Locale.ROOT).matches(".*(REGEXP|RLIKE|SIMILAR).*")) {
      Object value = fold(like.getLeftExpression());
      Object pattern = fold(like.getRightExpression());
      if (!(value instanceof String v) || !(pattern instanceof String p) || like.getEscape() != null) {
        return null;
      }
      boolean matches = likeRegex(p, like.isCaseInsensitive() || dialect == SqlDialect.MYSQL)
          .matcher(v).matches();
      return matches != like.isNot();
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
    if (e instanceof Addition || e instanceof Subtraction || e instanceof Multiplication
        || e instanceof Division || e instanceof Modulo) {
      var binary = (BinaryExpression) e;
      if (fold(binary.getLeftExpression()) instanceof BigDecimal l
          && fold(binary.getRightExpression()) instanceof BigDecimal r) {
        if ((e instanceof Division || e instanceof Modulo) && r.signum() == 0) {
          return null;
        }
        return e instanceof Addition ? l.add(r) : e instanceof Subtraction ? l.subtract(r)
            : e instanceof Multiplication ? l.multiply(r)
            : e instanceof Division ? l.divide(r, java.math.MathContext.DECIMAL64)
            : l.remainder(r);
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
      if (name.equals("if") && f.getParameters().size() == 3) {
        Object condition = fold((Expression) f.getParameters().get(0));
        return condition == null ? null
            : fold((Expression) f.getParameters().get(truthy(condition) ? 1 : 2));
      }
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

  private Integer compare(Object l, Object r) {
    if (l instanceof BigDecimal a && r instanceof BigDecimal b) {
      return a.compareTo(b);
    }
    if (l instanceof String a && r instanceof String b) {
      // MySQL's default collations ignore case: 'a' = 'A'
      return dialect == SqlDialect.MYSQL ? a.compareToIgnoreCase(b) : a.compareTo(b);
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

  private BigDecimal number(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (value instanceof String s) {
      if (dialect == SqlDialect.MYSQL) {
        // MySQL reads the longest numeric prefix: '1abc' is 1, 'abc' is 0
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")
                .matcher(s);
        return m.find() ? new BigDecimal(m.group().strip()) : BigDecimal.ZERO;
      }
      try {
        return new BigDecimal(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static String text(Object value) {
    return value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
  }

  private static java.util.regex.Pattern likeRegex(String pattern, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '%' ? ".*" : c == '_' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
    }
    return java.util.regex.Pattern.compile(regex.toString(),
        java.util.regex.Pattern.DOTALL | (ignoreCase ? java.util.regex.Pattern.CASE_INSENSITIVE
            | java.util.regex.Pattern.UNICODE_CASE : 0));
  }

  private boolean truthy(Object value) {
    if (value == NULL) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String text && dialect != SqlDialect.MYSQL) {
      // PostgreSQL and H2 read these strings as boolean true
      String t = text.strip().toLowerCase(Locale.ROOT);
      if (List.of("t", "true", "y", "yes", "on", "1").contains(t)) {
        return true;
      }
    }
    BigDecimal number = number(value);
    return number != null && number.signum() != 0;
  }
}
