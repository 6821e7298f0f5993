/**
 * The contents of a warehouse's tables, for comparing two runs that should agree: rows sorted, minus the columns
 * that legitimately differ between any two runs (processing time, and payloads sealed with a fresh data key per
 * batch), and for campaign metrics only the final pane of each window (how many early panes fire depends on
 * wall-clock time).
 */
import { openDuckDbWarehouse } from '../../io/warehouse/duckdb_warehouse';

export const COMPARABLE: Readonly<Record<string, { readonly exclude: readonly string[]; readonly where?: string }>> = {
  events: { exclude: [] },
  late_events: { exclude: ['arrival_time', 'payload'] },
  dead_letter: { exclude: ['error_time', 'payload'] },
  sessions: { exclude: ['updated_at'] },
  user_features: { exclude: ['updated_at'] },
  campaign_metrics: { exclude: ['emitted_at', 'pane_index', 'pane_timing'], where: 'is_final' },
  audit_log: { exclude: [] },
};

/** `alsoExclude`: columns that differ legitimately in this comparison only, by table. */
export async function comparableContents(
  path: string,
  alsoExclude: Readonly<Record<string, readonly string[]>> = {},
): Promise<Record<string, unknown[]>> {
  const w = await openDuckDbWarehouse(path, { readOnly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const [table, comparable] of Object.entries(COMPARABLE)) {
      const exclude = [...comparable.exclude, ...(alsoExclude[table] ?? [])];
      const where = comparable.where;
      const columns = exclude.length ? `* EXCLUDE (${exclude.join(', ')})` : '*';
      out[table] = await w.query(`SELECT ${columns} FROM ${table}${where ? ` WHERE ${where}` : ''} ORDER BY ALL`);
    }
    return out;
  } finally {
    await w.close();
  }
}
