import type { Migration } from 'kysely';
import * as createCoreTables from './20261121T200000Z-create-core-tables.js';

/** Every migration, in order. A static list survives compilation (no directory scan). */
export const migrations: Record<string, Migration> = {
  '20261121T200000Z-create-core-tables': createCoreTables,
};
