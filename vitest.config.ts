import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core CI machine.
    // Most test time is spent waiting on local servers and child processes, so a worker per core
    // took the PGlite pass from 663 s to 415 s. On PostgreSQL each file has a schema of its own, and
    // Latch's migrations introspect only their own (src/db/schema-introspector.ts): 206-240 s
    // instead of 492 s. The timing races two workers brought out there are fixed or waited out
    // (docs/performance.md, sessions 10 and 11).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      // Migrating a fresh embedded database takes seconds when the machine is busy.
      { extends: true, test: { name: 'db', include: ['test/db/**/*.test.ts'], hookTimeout: 30_000 } },
      { extends: true, test: { name: 'aws', include: ['test/aws/**/*.test.ts'], hookTimeout: 30_000 } },
      { extends: true, test: { name: 'support', include: ['test/support/**/*.test.ts'] } },
      { extends: true, test: { name: 'manifest', include: ['test/manifest/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'reliability',
          include: ['test/reliability/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
