import { type CliCommand, DATABASE_HELP, EXIT_OK, UsageError } from '../cli-command.js';
import { type AuditFormat, formatAudit } from '../format-audit.js';
import { readAuditEvents } from '../read-audit-events.js';

export const auditExportCommand: CliCommand = {
  name: 'audit export',
  summary: 'write the audit log to stdout as CSV or JSON Lines',
  help: `Every audit event with --since <= at < --until, oldest first. Reads the database the bot
uses: ${DATABASE_HELP}

options:
  --since <ISO>          e.g. 2026-11-01 or 2026-11-01T09:00:00Z (default: the first event)
  --until <ISO>          exclusive (default: now)
  --format csv|jsonl     default csv. CSV columns: id, at, actor, action, request_id, grant_id,
                         justification, detail (JSON). A CSV cell starting with = + - or @ gets a
                         leading ' so spreadsheets do not run it; JSON Lines keeps every value exact.

exit codes: 0 exported (even if empty), 1 the database is unreachable or not migrated, 2 bad usage`,
  options: { since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' } },
  async run({ values }, io) {
    const format = values.format ?? 'csv';
    if (format !== 'csv' && format !== 'jsonl') {
      throw new UsageError(`--format must be csv or jsonl, not "${String(format)}"`);
    }
    const since = instant('--since', values.since);
    const until = instant('--until', values.until);
    if (since && until && since >= until) throw new UsageError('--since must be before --until');
    const { openMigratedForReading } = await import('../cli-database.js');
    const opened = await openMigratedForReading(io.env);
    try {
      const records = await readAuditEvents(opened.database.db, {
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
      });
      for (const line of formatAudit(records, format as AuditFormat)) io.out(line);
      return EXIT_OK;
    } finally {
      await opened.close();
    }
  },
};

function instant(option: string, value: string | boolean | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) {
    throw new UsageError(
      `${option} must be an ISO 8601 date or time such as 2026-11-01T09:00:00Z, not "${text}"`,
    );
  }
  return at;
}
