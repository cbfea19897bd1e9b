import type { AuditRecord } from './read-audit-events.js';

export type AuditFormat = 'csv' | 'jsonl';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'request_id',
  'grant_id',
  'justification',
  'detail',
] as const;

/** The export as lines: CSV with a header row, or one JSON object per line (JSON Lines). */
export function formatAudit(records: readonly AuditRecord[], format: AuditFormat): string[] {
  if (format === 'jsonl') return records.map((record) => JSON.stringify(exported(record)));
  return [
    AUDIT_CSV_COLUMNS.join(','),
    ...records.map((record) => {
      const row = exported(record);
      const justification = record.detail.justification;
      return [
        row.id,
        row.at,
        row.actor,
        row.action,
        row.request_id ?? '',
        row.grant_id ?? '',
        typeof justification === 'string' ? justification : '',
        JSON.stringify(row.detail),
      ]
        .map(csvField)
        .join(',');
    }),
  ];
}

/**
 * One RFC 4180 field: quoted when it holds a comma, quote, CR or LF, with quotes doubled.
 * A field a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading `'`
 * (OWASP "CSV injection"): justifications are typed by requesters. JSON Lines stays exact.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function exported(record: AuditRecord) {
  return {
    id: record.id,
    at: record.at.toISOString(),
    actor: record.actor,
    action: record.action,
    request_id: record.requestId ?? null,
    grant_id: record.grantId ?? null,
    detail: record.detail,
  };
}
