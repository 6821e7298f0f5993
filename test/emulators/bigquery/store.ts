/**
 * The one store of datasets, tables and rows behind both local BigQuery servers (Storage Write over gRPC, REST v2
 * over HTTP), so that what the sink appends is what `jobs.query` reads and what tests read back.
 *
 * Cells are kept in the form the Storage Write API carries them: INTEGER and TIMESTAMP as bigint (TIMESTAMP in
 * microseconds since the epoch), DATE as days since the epoch, FLOAT as number, BOOLEAN as boolean, STRING and JSON
 * as text, NULL as null.
 *
 * Change data capture, as BigQuery documents it for tables with a primary key: a row carrying `_CHANGE_TYPE` UPSERT
 * replaces the stored row with the same primary key, DELETE removes it; with `_CHANGE_SEQUENCE_NUMBER` a change
 * applies only when its sequence number is not lower than the stored row's. A row without `_CHANGE_TYPE` is a plain
 * append (pending streams, insertAll).
 */

export type Cell = string | number | bigint | boolean | null;
export type StoredRow = Record<string, Cell>;

export interface FieldSchema {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
  readonly description?: string;
}

/** A table resource as REST v2 returns it (the parts the project uses). */
export interface TableResource {
  kind: 'bigquery#table';
  id: string;
  tableReference: { projectId: string; datasetId: string; tableId: string };
  schema: { fields: FieldSchema[] };
  description?: string;
  timePartitioning?: { type: string; field?: string; expirationMs?: string };
  clustering?: { fields: string[] };
  tableConstraints?: { primaryKey?: { columns: string[] } };
  maxStaleness?: string;
  requirePartitionFilter?: boolean;
  etag: string;
  creationTime: string;
  lastModifiedTime: string;
  numRows: string;
  type: 'TABLE';
}

export interface StoredTable {
  resource: TableResource;
  rows: StoredRow[];
  /** Primary key → index in rows, for CDC (rebuilt when rows are removed). */
  index: Map<string, number>;
  /** Sequence number of each stored key's last change (CDC with _CHANGE_SEQUENCE_NUMBER). */
  sequence: Map<string, string>;
}

export class StoreError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Compares BigQuery change sequence numbers: up to four '/'-separated hex sections, compared as numbers. */
export function compareSequence(a: string, b: string): number {
  const pa = a.split('/').map((s) => BigInt(`0x${s || '0'}`));
  const pb = b.split('/').map((s) => BigInt(`0x${s || '0'}`));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1n;
    const y = pb[i] ?? -1n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export class BigQueryStore {
  private readonly datasets = new Map<string, { resource: Record<string, unknown>; tables: Map<string, StoredTable> }>();
  private clock = 0;

  private datasetKey(project: string, dataset: string): string {
    return `${project}.${dataset}`;
  }

  createDataset(project: string, dataset: string, location = 'US'): Record<string, unknown> {
    const key = this.datasetKey(project, dataset);
    if (this.datasets.has(key)) throw new StoreError(409, 'duplicate', `Already Exists: Dataset ${project}:${dataset}`);
    const resource = {
      kind: 'bigquery#dataset',
      id: `${project}:${dataset}`,
      datasetReference: { projectId: project, datasetId: dataset },
      location,
    };
    this.datasets.set(key, { resource, tables: new Map() });
    return resource;
  }

  getDataset(project: string, dataset: string): Record<string, unknown> {
    const found = this.datasets.get(this.datasetKey(project, dataset));
    if (found === undefined) throw new StoreError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`);
    return found.resource;
  }

  /** Dataset ids of a project, in creation order. */
  datasetIds(project: string): string[] {
    return [...this.datasets.keys()].filter((k) => k.startsWith(`${project}.`)).map((k) => k.slice(project.length + 1));
  }

  listTables(project: string, dataset: string): StoredTable[] {
    this.getDataset(project, dataset);
    return [...(this.datasets.get(this.datasetKey(project, dataset))?.tables.values() ?? [])];
  }

  hasTable(project: string, dataset: string, table: string): boolean {
    return this.datasets.get(this.datasetKey(project, dataset))?.tables.has(table) ?? false;
  }

  table(project: string, dataset: string, table: string): StoredTable {
    const ds = this.datasets.get(this.datasetKey(project, dataset));
    if (ds === undefined) throw new StoreError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`);
    const found = ds.tables.get(table);
    if (found === undefined) throw new StoreError(404, 'notFound', `Not found: Table ${project}:${dataset}.${table}`);
    return found;
  }

  createTable(project: string, dataset: string, body: Partial<TableResource>): TableResource {
    const ds = this.datasets.get(this.datasetKey(project, dataset));
    if (ds === undefined) throw new StoreError(404, 'notFound', `Not found: Dataset ${project}:${dataset}`);
    const tableId = body.tableReference?.tableId;
    if (typeof tableId !== 'string' || tableId === '') throw new StoreError(400, 'invalid', 'tableReference.tableId is required');
    if (ds.tables.has(tableId)) throw new StoreError(409, 'duplicate', `Already Exists: Table ${project}:${dataset}.${tableId}`);
    const fields = body.schema?.fields ?? [];
    const names = new Set(fields.map((f) => f.name));
    const partitionField = body.timePartitioning?.field;
    if (partitionField !== undefined && !names.has(partitionField)) {
      throw new StoreError(
        400,
        'invalid',
        `The field specified for time partitioning can only be of type TIMESTAMP, DATE or DATETIME. ${partitionField} was not found`,
      );
    }
    for (const c of body.clustering?.fields ?? []) {
      if (!names.has(c))
        throw new StoreError(400, 'invalid', `The field specified for clustering cannot be found in the schema: ${c}`);
    }
    const now = String(Date.now());
    const resource: TableResource = {
      ...body,
      kind: 'bigquery#table',
      id: `${project}:${dataset}.${tableId}`,
      tableReference: { projectId: project, datasetId: dataset, tableId },
      schema: { fields: fields.map((f) => ({ ...f, mode: f.mode ?? 'NULLABLE' })) },
      etag: `"${++this.clock}"`,
      creationTime: now,
      lastModifiedTime: now,
      numRows: '0',
      type: 'TABLE',
    };
    ds.tables.set(tableId, { resource, rows: [], index: new Map(), sequence: new Map() });
    return resource;
  }

  /**
   * PATCH semantics for the schema as BigQuery applies them: fields may be added (NULLABLE only) and REQUIRED
   * relaxed to NULLABLE; a field may not be removed, renamed or change type.
   */
  patchTable(project: string, dataset: string, tableId: string, body: Partial<TableResource>): TableResource {
    const stored = this.table(project, dataset, tableId);
    const next = { ...stored.resource };
    if (body.schema !== undefined) {
      const old = new Map(stored.resource.schema.fields.map((f) => [f.name, f]));
      const incoming = new Map(body.schema.fields.map((f) => [f.name, f]));
      for (const [name, field] of old) {
        const now = incoming.get(name);
        if (now === undefined)
          throw new StoreError(
            400,
            'invalid',
            `Provided Schema does not match Table ${tableId}. Field ${name} is missing in new schema`,
          );
        if (now.type !== field.type)
          throw new StoreError(
            400,
            'invalid',
            `Provided Schema does not match Table ${tableId}. Field ${name} has changed type from ${field.type} to ${now.type}`,
          );
        if ((field.mode ?? 'NULLABLE') === 'NULLABLE' && now.mode === 'REQUIRED') {
          throw new StoreError(
            400,
            'invalid',
            `Provided Schema does not match Table ${tableId}. Field ${name} has changed mode from NULLABLE to REQUIRED`,
          );
        }
      }
      for (const [name, field] of incoming) {
        if (!old.has(name) && field.mode === 'REQUIRED') {
          throw new StoreError(
            400,
            'invalid',
            `Provided Schema does not match Table ${tableId}. Cannot add required field ${name}`,
          );
        }
      }
      next.schema = { fields: body.schema.fields.map((f) => ({ ...f, mode: f.mode ?? 'NULLABLE' })) };
    }
    for (const key of ['description', 'timePartitioning', 'clustering', 'maxStaleness'] as const) {
      if (body[key] !== undefined) (next as Record<string, unknown>)[key] = body[key];
    }
    next.etag = `"${++this.clock}"`;
    next.lastModifiedTime = String(Date.now());
    stored.resource = next;
    return next;
  }

  private primaryKey(stored: StoredTable): readonly string[] {
    return stored.resource.tableConstraints?.primaryKey?.columns ?? [];
  }

  /** Applies rows that arrived through a committed write (default stream, batch commit, insertAll). */
  applyRows(project: string, dataset: string, tableId: string, rows: readonly StoredRow[]): void {
    const stored = this.table(project, dataset, tableId);
    const key = this.primaryKey(stored);
    let removed = false;
    for (const incoming of rows) {
      const { _CHANGE_TYPE: changeType, _CHANGE_SEQUENCE_NUMBER: sequence, ...row } = incoming;
      if (changeType === undefined || changeType === null) {
        stored.rows.push(row);
        continue;
      }
      if (key.length === 0) throw new StoreError(400, 'invalid', `table ${tableId} has no primary key; _CHANGE_TYPE needs one`);
      const k = JSON.stringify(key.map((c) => String(row[c])));
      const seq = typeof sequence === 'string' ? sequence : undefined;
      const storedSeq = stored.sequence.get(k);
      if (seq !== undefined && storedSeq !== undefined && compareSequence(seq, storedSeq) < 0) continue;
      const at = stored.index.get(k);
      if (changeType === 'DELETE') {
        if (at !== undefined) {
          stored.rows[at] = undefined as unknown as StoredRow;
          stored.index.delete(k);
          stored.sequence.delete(k);
          removed = true;
        }
        continue;
      }
      if (at === undefined) {
        stored.index.set(k, stored.rows.length);
        stored.rows.push(row);
      } else {
        stored.rows[at] = row;
      }
      if (seq !== undefined) stored.sequence.set(k, seq);
    }
    if (removed) {
      stored.rows = stored.rows.filter((r) => r !== undefined);
      stored.index.clear();
      stored.rows.forEach((r, i) => stored.index.set(JSON.stringify(key.map((c) => String(r[c]))), i));
    }
    stored.resource.numRows = String(stored.rows.length);
  }

  rows(project: string, dataset: string, tableId: string): readonly StoredRow[] {
    return this.table(project, dataset, tableId).rows;
  }
}
