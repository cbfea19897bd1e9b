import { runAsProcess } from './cli/run-as-process.js';

// `npm start` runs `main.js`, which is `latch start`; `main.js migrate` (npm run migrate) and
// every other `latch` command work here too.
const argv = process.argv.slice(2);
await runAsProcess(argv.length ? argv : ['start']);
