import { type CliCommand, DATABASE_HELP, EXIT_OK } from '../cli-command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply pending database migrations and exit (start does this too)',
  help: `Needs only the database settings: ${DATABASE_HELP}
Safe to run from several places at once on PostgreSQL: the migrator holds a lock.
On the embedded database, stop Latch first: PGlite serves one process at a time.

exit codes: 0 migrated or already up to date, 1 the database refused or is unreachable`,
  async run(_args, io) {
    const [{ connectDatabase }, { migrateToLatest }, { databaseOptions }] = await Promise.all([
      import('../../db/connect.js'),
      import('../../db/migrate.js'),
      import('../cli-database.js'),
    ]);
    const database = connectDatabase(databaseOptions(io.env));
    try {
      const applied = await migrateToLatest(database);
      io.out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return EXIT_OK;
    } finally {
      await database.close();
    }
  },
};
