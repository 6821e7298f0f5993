/**
 * Naming rule for tables and columns, checked when a table is defined.
 *
 * Names are lower snake_case ASCII and never a reserved word of BigQuery (GoogleSQL) — so every query, in either
 * warehouse, can name columns without quoting. The DuckDB side of the rule (reserved and type/function keywords,
 * e.g. `at`) is checked against DuckDB's own `duckdb_keywords()` in the tests, since it needs a database.
 */

/** GoogleSQL reserved keywords (BigQuery "Lexical structure and syntax" → Reserved keywords). */
export const BIGQUERY_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'ALL AND ANY ARRAY AS ASC ASSERT_ROWS_MODIFIED AT BETWEEN BY CASE CAST COLLATE CONTAINS CREATE CROSS CUBE ' +
    'CURRENT DEFAULT DEFINE DESC DISTINCT ELSE END ENUM ESCAPE EXCEPT EXCLUDE EXISTS EXTRACT FALSE FETCH FOLLOWING ' +
    'FOR FROM FULL GROUP GROUPING GROUPS HASH HAVING IF IGNORE IN INNER INTERSECT INTERVAL INTO IS JOIN LATERAL ' +
    'LEFT LIKE LIMIT LOOKUP MERGE NATURAL NEW NO NOT NULL NULLS OF ON OR ORDER OUTER OVER PARTITION PRECEDING ' +
    'PROTO QUALIFY RANGE RECURSIVE RESPECT RIGHT ROLLUP ROWS SELECT SET SOME STRUCT TABLESAMPLE THEN TO TREAT TRUE ' +
    'UNBOUNDED UNION UNNEST USING WHEN WHERE WINDOW WITH WITHIN'
  )
    .split(' ')
    .map((w) => w.toLowerCase()),
);

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
/** Well under BigQuery's 300-character column limit; long names are unreadable in SQL anyway. */
const MAX_IDENTIFIER_LENGTH = 64;

/** Why `name` is not a valid table or column name, or null if it is. */
export function identifierProblem(name: string): string | null {
  if (!IDENTIFIER.test(name)) return `"${name}" is not lower snake_case ASCII starting with a letter`;
  if (name.length > MAX_IDENTIFIER_LENGTH) return `"${name}" is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  if (BIGQUERY_RESERVED_WORDS.has(name)) return `"${name}" is a BigQuery reserved word`;
  return null;
}
