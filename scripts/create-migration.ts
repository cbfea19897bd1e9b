import { readFile, writeFile } from 'node:fs/promises';

/** `npm run migration:create -- add-ticket`: writes a timestamped migration and appends it to the index. */
const name = process.argv[2]?.trim();
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run migration:create -- <kebab-case-name>');
  process.exit(2);
}
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d+Z$/, 'Z');
const id = `${stamp}-${name}`;
const file = new URL(`../migrations/${id}.ts`, import.meta.url);
await writeFile(
  file,
  `import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  void db;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  void db;
}
`,
  { flag: 'wx' },
);
const indexUrl = new URL('../migrations/index.ts', import.meta.url);
const variable = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
let index = await readFile(indexUrl, 'utf8');
index = index.replace(
  /(import \* as [^\n]+\n)(?![\s\S]*import \* as)/,
  `$1import * as ${variable} from './${id}.js';\n`,
);
index = index.replace(/\n};\n$/, `\n  '${id}': ${variable},\n};\n`);
await writeFile(indexUrl, index);
console.log(`created migrations/${id}.ts`);
