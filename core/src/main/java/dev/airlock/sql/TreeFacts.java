package dev.airlock.sql;

import dev.airlock.Effect;
import dev.airlock.ReasonCode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Walks the whole JSqlParser tree of one statement, not just its top: every field of every node,
 * so a function or a data-modifying statement is found wherever it hides (select list, FROM,
 * WHERE, ORDER BY, LATERAL, CTEs, subqueries, window clauses). Collects the tables, the functions,
 * the WHERE facts of every DELETE and UPDATE, locking and INTO clauses, and the effect they imply.
 */
final class TreeFacts {

  /** Function names that are SQL syntax rather than catalogue entries; all read-only. */
  static final Set<String> SYNTAX_FUNCTIONS =
      Set.of(
          "coalesce", "greatest", "least", "nullif", "row", "array", "grouping", "xmlelement",
          "xmlforest", "xmlconcat", "xmlpi", "xmlroot", "xmlparse", "xmlserialize", "xmlexists",
          "xmlattributes", "xmlagg", "position", "substring", "overlay", "trim", "extract", "cast",
          "treat", "exists", "any", "some", "all", "values", "current_date", "current_time",
          "current_timestamp", "localtime", "localtimestamp", "if", "interval", "char", "convert",
          "normalize", "collation", "json_object", "json_array", "json_objectagg",
          "json_arrayagg", "json_table", "json_value", "json_query", "json_exists", "filter",
          "rollup", "cube", "grouping sets");

  /** The fields to walk per class; null for a class that is not JSqlParser's (not walked). */
  private static final ClassValue<Field[]> FIELDS =
      new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
          if (!type.getName().startsWith("net.sf.jsqlparser.")) {
            return null;
          }
          List<Field> fields = new ArrayList<>();
          for (Class<?> c = type; c != null && c.getName().startsWith("net.sf.jsqlparser.");
              c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
              if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()
                  || field.getType() == String.class || field.getType().isEnum()
                  || field.getType().getName().startsWith("net.sf.jsqlparser.parser.")) {
                continue;
              }
              if ((c == Column.class || c == AllTableColumns.class)
                  && field.getName().equals("table")) {
                continue; // "t" in t.col is a qualifier, not a table read
              }
              field.setAccessible(true);
              fields.add(field);
            }
          }
          return fields.toArray(new Field[0]);
        }
      };

  private final FunctionCatalog catalog;
  private final SqlDialect dialect;
  private final Map<Object, Boolean> visited = new IdentityHashMap<>(128);
  private final Map<Table, Boolean> targets = new IdentityHashMap<>();
  private final Set<String> cteNames = new LinkedHashSet<>();
  private final List<Table> tables = new ArrayList<>();

  final Findings findings;
  final Set<String> tablesWritten = new LinkedHashSet<>();
  final List<String> functions = new ArrayList<>();
  WhereClause where = WhereClause.NOT_APPLICABLE;
  Long limit;
  String lockingClause;
  String intoTarget;

  private TreeFacts(FunctionCatalog catalog, SqlDialect dialect, Findings findings) {
    this.catalog = catalog;
    this.dialect = dialect;
    this.findings = findings;
  }

  static TreeFacts of(Statement statement, FunctionCatalog catalog, Findings findings) {
    TreeFacts facts = new TreeFacts(catalog, catalog.dialect(), findings);
    if (statement instanceof Select select && select.getLimit() != null) {
      facts.limit = constant(select.getLimit());
    }
    facts.walk(statement);
    return facts;
  }

  Set<String> tablesRead() {
    Set<String> read = new LinkedHashSet<>();
    for (Table table : tables) {
      if (targets.containsKey(table)) {
        continue;
      }
      String name = qualified(table);
      if (table.getSchemaName() == null && cteNames.contains(name)) {
        continue;
      }
      read.add(name);
    }
    return read;
  }

  private void walk(Object node) {
    if (node == null) {
      return;
    }
    if (node instanceof Collection<?> collection) {
      for (Object item : collection) {
        walk(item);
      }
      return;
    }
    if (node instanceof Object[] array) {
      for (Object item : array) {
        walk(item);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      walk(map.keySet());
      walk(map.values());
      return;
    }
    Field[] fields = FIELDS.get(node.getClass());
    if (fields == null || visited.put(node, Boolean.TRUE) != null) {
      return;
    }
    inspect(node);
    for (Field field : fields) {
      try {
        walk(field.get(node));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot read " + field, e);
      }
    }
  }

  private void inspect(Object node) {
    if (node.getClass().getSimpleName().startsWith("Parenthesed")
        && (node instanceof Insert || node instanceof Update || node instanceof Delete)) {
      return; // the wrapper of a statement in a CTE; the statement inside is inspected itself
    }
    if (node instanceof Function function && (function.getParameters() == null
        || function.getParameters().isEmpty()) && function.getName() != null
        && StatementAnalysis.readsWithoutArguments(FunctionCatalog.normalize(function.getName()))) {
      functions.add(FunctionCatalog.normalize(function.getName()));
    } else if (node instanceof Function function) {
      List<String> parts = function.getMultipartName();
      function(parts == null || parts.size() == 1 ? function.getName() : String.join(".", parts));
    } else if (node instanceof AnalyticExpression analytic) {
      function(analytic.getName());
    } else if (node instanceof NextValExpression next) {
      findings.raise(Effect.WRITE, ReasonCode.SIDE_EFFECT_FUNCTION,
          "NEXT VALUE FOR " + next.getName() + " advances a sequence");
    } else if (node instanceof Table table) {
      tables.add(table);
    } else if (node instanceof WithItem<?> with && with.getAlias() != null) {
      cteNames.add(Tautology.unquote(with.getAlias().getName()).toLowerCase(Locale.ROOT));
    } else if (node instanceof Insert insert) {
      target(insert.getTable());
      findings.raise(Effect.WRITE, ReasonCode.STATEMENT_KIND, "INSERT adds rows");
      upsertOfWholeTable(insert);
    } else if (node instanceof Upsert upsert) {
      target(upsert.getTable());
      findings.raise(Effect.WRITE, ReasonCode.STATEMENT_KIND, "UPSERT adds or changes rows");
    } else if (node instanceof Merge merge) {
      target(merge.getTable());
      findings.raise(Effect.WRITE, ReasonCode.STATEMENT_KIND, "MERGE adds or changes rows");
      String name = merge.getTable() == null ? null : Tautology.name(merge.getTable());
      boolean changesMatches = merge.getOperations() != null && merge.getOperations().stream()
          .anyMatch(operation -> !operation.getClass().getSimpleName().contains("Insert"));
      if (changesMatches && merge.getOnCondition() != null
          && new Tautology(name, dialect).alwaysTrue(merge.getOnCondition())) {
        findings.raise(Effect.DESTRUCTIVE, ReasonCode.ALWAYS_TRUE_WHERE,
            "MERGE with an ON condition that is always true updates or deletes every row of "
                + name);
      }
    } else if (node instanceof Update update) {
      target(update.getTable());
      if (update.getStartJoins() != null) {
        update.getStartJoins().forEach(join -> {
          if (join.getFromItem() instanceof Table t) {
            target(t);
          }
        });
      }
      rowFilter("UPDATE", update.getTable(), update.getWhere());
    } else if (node instanceof Delete delete) {
      Table table = delete.getTable();
      target(table);
      if (delete.getTables() != null) {
        delete.getTables().forEach(this::target);
      }
      rowFilter("DELETE", table, delete.getWhere());
    } else if (node instanceof PlainSelect select) {
      into(select);
    }
    if (node instanceof Select select
        && (select.getForMode() != null || select.getForUpdate() != null
            || select.getForUpdateTable() != null)) {
      lockingClause = select.getForMode() != null ? "FOR " + select.getForMode() : "FOR UPDATE";
      findings.raiseOnce(Effect.WRITE, ReasonCode.LOCKING_CLAUSE, lockingClause + " locks rows");
    }
  }

  /**
   * {@code INSERT INTO t SELECT * FROM t ON CONFLICT DO UPDATE …} (or ON DUPLICATE KEY UPDATE)
   * without a filter: every row conflicts with itself, so every row is rewritten.
   */
  private void upsertOfWholeTable(Insert insert) {
    if (insert.getTable() == null) {
      return;
    }
    String target = Tautology.name(insert.getTable());
    Tautology always = new Tautology(target, dialect);
    boolean updates = (insert.getConflictAction() != null
            && "DO_UPDATE".equals(String.valueOf(insert.getConflictAction().getConflictActionType()))
            && (insert.getConflictAction().getWhereExpression() == null
                || always.alwaysTrue(insert.getConflictAction().getWhereExpression())))
        || (insert.getDuplicateUpdateSets() != null && !insert.getDuplicateUpdateSets().isEmpty());
    Object source = insert.getSelect();
    while (source instanceof net.sf.jsqlparser.statement.select.ParenthesedSelect p) {
      source = p.getSelect();
    }
    if (updates && source instanceof PlainSelect plain
        && (plain.getWhere() == null || always.alwaysTrue(plain.getWhere()))
        && plain.getFromItem() instanceof Table from && Tautology.name(from).equals(target)) {
      findings.raise(Effect.DESTRUCTIVE, ReasonCode.ALWAYS_TRUE_WHERE,
          "an upsert of the whole table into itself rewrites every row of "
              + Tautology.name(insert.getTable()));
    }
  }

  private void into(PlainSelect select) {
    if (select.getMySqlSelectIntoClause() != null) {
      intoTarget = select.getMySqlSelectIntoClause().toString().strip();
      findings.raiseOnce(Effect.ADMIN, ReasonCode.NESTED_WRITE,
          "SELECT … " + intoTarget + " writes outside the query's result");
    }
    if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
      Table into = select.getIntoTables().get(0);
      intoTarget = qualified(into);
      if (dialect == SqlDialect.MYSQL || intoTarget.startsWith("@")) {
        findings.raiseOnce(Effect.ADMIN, ReasonCode.NESTED_WRITE,
            "SELECT … INTO " + intoTarget + " sets variables of the session");
      } else {
        target(into);
        findings.raiseOnce(Effect.SCHEMA, ReasonCode.NESTED_WRITE,
            "SELECT … INTO " + intoTarget + " creates a table");
      }
    }
    if (select.getIntoTempTable() != null) {
      target(select.getIntoTempTable());
      findings.raiseOnce(Effect.SCHEMA, ReasonCode.NESTED_WRITE, "SELECT … INTO creates a table");
    }
  }

  private void rowFilter(String kind, Table table, Expression whereClause) {
    String name = table == null ? null : Tautology.name(table);
    WhereClause found;
    if (whereClause == null) {
      found = WhereClause.ABSENT;
      findings.raise(Effect.DESTRUCTIVE, ReasonCode.MISSING_WHERE,
          kind + " without WHERE touches every row of " + (name == null ? "the table" : name));
    } else if (new Tautology(name, dialect).alwaysTrue(whereClause)) {
      found = WhereClause.ALWAYS_TRUE;
      findings.raise(Effect.DESTRUCTIVE, ReasonCode.ALWAYS_TRUE_WHERE,
          kind + " with a WHERE that is always true (" + abbreviate(whereClause.toString())
              + ") touches every row of " + (name == null ? "the table" : name));
    } else {
      found = WhereClause.PRESENT;
      findings.raise(Effect.WRITE, ReasonCode.STATEMENT_KIND,
          kind + (kind.equals("DELETE") ? " removes" : " changes") + " the rows its WHERE selects");
    }
    if (where == WhereClause.NOT_APPLICABLE || found.ordinal() < where.ordinal()) {
      where = found; // the widest DELETE or UPDATE in the statement
    }
  }

  private void function(String name) {
    if (name == null) {
      return;
    }
    if (dialect == SqlDialect.POSTGRESQL && quotedWithUpperCase(name)) {
      // "LOWER"(x) is not lower(x): a quoted name keeps its case, so it is some other function
      functions.add(name);
      findings.raise(Effect.WRITE, ReasonCode.UNKNOWN_FUNCTION,
          "calls " + name + "(), a function Airlock does not know, which may write");
      return;
    }
    String normalized = FunctionCatalog.normalize(name).replace("\"", "").replace("`", "");
    functions.add(normalized);
    if (SYNTAX_FUNCTIONS.contains(normalized)) {
      return;
    }
    Effect effect = catalog.lookup(normalized);
    if (effect == null) {
      findings.raise(Effect.WRITE, ReasonCode.UNKNOWN_FUNCTION,
          "calls " + normalized + "(), a function Airlock does not know, which may write");
    } else if (effect != Effect.READ) {
      findings.raise(effect, ReasonCode.SIDE_EFFECT_FUNCTION,
          "calls " + normalized + "(), which is " + effect);
    }
  }

  private static boolean quotedWithUpperCase(String name) {
    boolean quoted = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (quoted && Character.isUpperCase(c)) {
        return true;
      }
    }
    return false;
  }

  private void target(Table table) {
    if (table != null) {
      targets.put(table, Boolean.TRUE);
      String name = qualified(table);
      tablesWritten.add(name);
      systemTable(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Writing a system catalogue changes the server or its accounts, not just rows. */
  private void systemTable(String name) {
    int dot = name.lastIndexOf('.');
    String schema = dot < 0 ? "" : name.substring(0, dot);
    String table = name.substring(dot + 1);
    if (schema.equals("mysql")) {
      findings.raise(Effect.PRIVILEGE, ReasonCode.STATEMENT_KIND,
          "writing " + name + " changes the server's accounts and grants");
    } else if (table.startsWith("pg_") || schema.equals("pg_catalog")
        || schema.equals("information_schema") || schema.equals("performance_schema")
        || schema.equals("sys")) {
      findings.raise(Effect.ADMIN, ReasonCode.STATEMENT_KIND,
          "writing " + name + " changes the server's own catalogue or settings");
    }
  }

  static String qualified(Table table) {
    String name = Tautology.unquote(table.getName());
    String schema = table.getSchemaName();
    String full = schema == null ? name : Tautology.unquote(schema) + "." + name;
    return quotedName(table.getName()) ? full : full.toLowerCase(Locale.ROOT);
  }

  private static boolean quotedName(String name) {
    return name != null && (name.startsWith("\"") || name.startsWith("`"));
  }

  private static Long constant(Limit limit) {
    return limit.getRowCount() instanceof LongValue value ? value.getValue() : null;
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
