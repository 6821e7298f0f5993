/**
 * The DLP test server answering with tidemark's local DLP-compatible engine: each deidentifyContent request is
 * de-identified by a LocalDlpEngine built from the request's own inspectConfig and deidentifyConfig (cached per
 * configuration), as Cloud DLP would apply them. Keys must arrive as `unwrapped` bytes (the development form the
 * `--masker dlp` path sends to a local endpoint); a request with KMS-wrapped or named keys is refused with
 * INVALID_ARGUMENT, as this server has no KMS.
 *
 * Findings are counted the way DLP counts them for infoType transformations: one per match of the inspection in a
 * cell that an infoType transformation applies to.
 */
import * as grpc from '@grpc/grpc-js';
import { DeidentifyConfigError, type MaskingConfig } from '../../io/dlp/deidentify_config';
import { type KeySource, KeySourceError } from '../../io/dlp/keys';
import { LocalDlpEngine } from '../../io/dlp/local_engine';
import { type DlpTable } from '../../io/dlp/table';
import { type DeidentifyContentRequest, type DeidentifyHandler, DlpServerError } from './dlp_server';

const NO_KEYS: KeySource = {
  description: 'the DLP test server (no KMS)',
  key: (name) => Promise.reject(new KeySourceError(`key '${name}' must be sent as unwrapped bytes`)),
  unwrap: () => Promise.reject(new KeySourceError('this server has no KMS: send keys unwrapped')),
};

export function localEngineHandler(): DeidentifyHandler {
  const engines = new Map<string, Promise<LocalDlpEngine>>();
  return async (request: DeidentifyContentRequest) => {
    const config = { inspectConfig: request.inspectConfig ?? {}, deidentifyConfig: request.deidentifyConfig ?? {} };
    const id = JSON.stringify(config);
    let engine = engines.get(id);
    if (!engine) {
      engine = LocalDlpEngine.create(config as unknown as MaskingConfig, NO_KEYS);
      engines.set(id, engine);
    }
    let ready: LocalDlpEngine;
    try {
      ready = await engine;
    } catch (e) {
      engines.delete(id);
      const message = e instanceof DeidentifyConfigError || e instanceof KeySourceError ? e.message : String(e);
      throw new DlpServerError(grpc.status.INVALID_ARGUMENT, message);
    }
    const table = (request.item?.table ?? { headers: [], rows: [] }) as DlpTable;
    const outcome = await ready.deidentify(table);
    if (!outcome.ok) throw new DlpServerError(grpc.status.INVALID_ARGUMENT, outcome.reason);
    const findings = countFindings(ready, config as unknown as MaskingConfig, table);
    return {
      findings,
      response: {
        item: { table: outcome.table as NonNullable<NonNullable<DeidentifyContentRequest['item']>['table']> },
        overview: {
          transformationSummaries: findings === 0 ? [] : [{ results: [{ count: String(findings), code: 'SUCCESS' }] }],
        },
      },
    };
  };
}

/** Matches of the inspection in the cells that infoType transformations apply to. */
function countFindings(engine: LocalDlpEngine, config: MaskingConfig, table: DlpTable): number {
  const d = config.deidentifyConfig;
  const everyCell = d.infoTypeTransformations !== undefined;
  const fields = new Set<string>();
  for (const ft of d.recordTransformations?.fieldTransformations ?? []) {
    if (ft.infoTypeTransformations) for (const f of ft.fields) fields.add(f.name);
  }
  const columns = table.headers.map((h, i) => (everyCell || fields.has(h.name) ? i : -1)).filter((i) => i >= 0);
  let n = 0;
  for (const row of table.rows) {
    for (const i of columns) {
      const text = row.values[i]?.stringValue;
      if (text) n += engine.inspect(text).length;
    }
  }
  return n;
}
