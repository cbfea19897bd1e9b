#!/usr/bin/env node
// The `latch` command: the compiled CLI that `npm run build` writes to dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/latch.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('latch: not built yet; run `npm run build` in the Latch directory first\n');
  process.exit(1);
}
await import(entry.href);
