import { LIVE_GRANT_STATUSES } from '../../core/grant-lifecycle.js';
import { type CliCommand, DATABASE_HELP, EXIT_OK } from '../cli-command.js';
import { grantsTable } from '../grants-table.js';
import { listGrants } from '../list-grants.js';

export const grantsCommand: CliCommand = {
  name: 'grants',
  summary: 'list grants from the database, newest first',
  help: `Reads the database the bot uses: ${DATABASE_HELP}
The embedded database is read from a copy, so this is safe while Latch runs (and shows what it
had written by then).

options:
  --active    only grants that hold access or are about to (${LIVE_GRANT_STATUSES.join(', ')})

exit codes: 0 listed (even if none), 1 the database is unreachable or not migrated, 2 bad usage`,
  options: { active: { type: 'boolean' } },
  async run({ values }, io) {
    const liveOnly = values.active === true;
    const { openMigratedForReading } = await import('../cli-database.js');
    const opened = await openMigratedForReading(io.env);
    try {
      const lines = grantsTable(await listGrants(opened.database.db, { liveOnly }));
      if (!lines.length) io.out(liveOnly ? 'no active grants' : 'no grants');
      for (const line of lines) io.out(line);
      return EXIT_OK;
    } finally {
      await opened.close();
    }
  },
};
