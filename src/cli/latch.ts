import { runAsProcess } from './run-as-process.js';

// The `latch` command (bin/latch.js loads the built copy of this file).
await runAsProcess(process.argv.slice(2));
