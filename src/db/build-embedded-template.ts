import { BUILT_TEMPLATE, writeTemplate } from './embedded-template.js';

// Run by `npm run build` after tsc: the archive a new embedded database starts from.
await writeTemplate(BUILT_TEMPLATE);
