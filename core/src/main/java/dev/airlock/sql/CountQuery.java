package dev.airlock.sql;

import java.time.Duration;
import java.util.List;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.Limit;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Rewrites a single-table UPDATE or DELETE into the {@code SELECT count(*)} over the same table
 * and predicate, through the parsed tree (the table, its alias, the WHERE expression, any WITH,
 * ORDER BY and LIMIT nodes are the parser's own objects, printed by the parser), never by cutting
 * the text.
 */
final class CountQuery {
  private CountQuery() {}

  /** The count query, or null when the statement is not a single-table UPDATE or DELETE. */
  static String of(String statement, Duration budget) {
    Parser.Result parsed = Parser.parse(statement, budget);
    if (!parsed.parsed()) {
      return null;
    }
    Statement tree = parsed.statement();
    if (tree instanceof Delete delete && isSingleTable(delete)) {
      return count(delete.getWithItemsList(), delete.getTable(), delete.getWhere(),
          delete.getOrderByElements(), delete.getLimit());
    }
    if (tree instanceof Update update && isSingleTable(update)) {
      return count(update.getWithItemsList(), update.getTable(), update.getWhere(),
          update.getOrderByElements(), update.getLimit());
    }
    return null;
  }

  private static boolean isSingleTable(Delete delete) {
    return delete.getTable() != null
        && isEmpty(delete.getTables())
        && isEmpty(delete.getUsingList())
        && isEmpty(delete.getJoins())
        && delete.getOutputClause() == null;
  }

  private static boolean isSingleTable(Update update) {
    return update.getTable() != null
        && update.getFromItem() == null
        && isEmpty(update.getJoins())
        && isEmpty(update.getStartJoins())
        && update.getOutputClause() == null;
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }

  private static String count(List<WithItem<?>> with, Table table, Expression where,
      List<OrderByElement> orderBy, Limit limit) {
    Function count = new Function("count", new AllColumns());
    PlainSelect select = new PlainSelect();
    select.addSelectItems(count);
    if (limit == null) {
      select.setFromItem(table);
      select.setWhere(where);
    } else {
      // DELETE … ORDER BY … LIMIT n touches at most n of the rows: count those.
      PlainSelect limited = new PlainSelect();
      limited.addSelectItems(new LongValue(1));
      limited.setFromItem(table);
      limited.setWhere(where);
      limited.setOrderByElements(orderBy);
      limited.setLimit(limit);
      ParenthesedSelect from = new ParenthesedSelect();
      from.setSelect(limited);
      from.setAlias(new Alias("airlock_rows"));
      select.setFromItem(from);
    }
    if (!isEmpty(with)) {
      select.setWithItemsList(with);
    }
    return select.toString();
  }
}
