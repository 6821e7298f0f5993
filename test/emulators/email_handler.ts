/**
 * A small, honest DeidentifyHandler for the connector's tests: every string cell is inspected for email addresses,
 * and each match is replaced by `[EMAIL_ADDRESS]` (DLP's replaceWithInfoType), whatever the request's config says.
 * Findings are the matches, reported in the response's overview as DLP does (one summary per infoType).
 *
 * It exists so that the connector's tests check real content going through the wire and back (a cell is masked
 * where it should be, untouched elsewhere, rows stay in order); the full DLP-compatible engine plugs into the same
 * server in the pipeline's tests.
 */
import type { protos } from '@google-cloud/dlp';
import type { DeidentifyContentRequest, DeidentifyHandlerResult } from './dlp_server';

type Value = protos.google.privacy.dlp.v2.IValue;

/** The lookbehind lets a run of local-part characters start a match attempt once: O(n), not O(n²), on huge cells. */
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}/gu;

export function replaceEmailsHandler(request: DeidentifyContentRequest): DeidentifyHandlerResult {
  const table = request.item?.table ?? {};
  let findings = 0;
  const mask = (value: Value): Value => {
    if (typeof value.stringValue !== 'string') return value;
    const masked = value.stringValue.replace(EMAIL, () => {
      findings++;
      return '[EMAIL_ADDRESS]';
    });
    return { stringValue: masked };
  };
  const rows = (table.rows ?? []).map((row) => ({ values: (row.values ?? []).map(mask) }));
  return {
    findings,
    response: {
      item: { table: { headers: table.headers ?? [], rows } },
      overview: {
        transformationSummaries:
          findings === 0
            ? []
            : [{ infoType: { name: 'EMAIL_ADDRESS' }, results: [{ count: String(findings), code: 'SUCCESS' }] }],
      },
    },
  };
}
