import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The compiled Latch that the benchmarks and the reliability tests run as a child process, built
 * as `npm run build` builds dist/ (tsc, then the embedded template), so it runs under plain `node`
 * as in production. A build lives in a directory named by a hash of its sources and is moved into
 * place whole: test files in parallel workers share one build, and none is ever removed under a
 * running child.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Inside node_modules so the build resolves Latch's dependencies; apart from dist/, which is `npm start`'s. */
const CACHE = join(ROOT, 'node_modules/.cache/latch-build');
/** What the build is made of: a change to any of these is a new build. */
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** Builds of other sources untouched this long are removed when a new one is made. */
const STALE_MS = 24 * 3600_000;

export interface Build {
  /** The path of main.js. */
  main: string;
  /** What tsc said when the sources had type errors (it emits anyway); undefined when clean. */
  typeErrors?: string;
}

let built: Promise<Build> | undefined;

/** The build of the current sources: made once, then found by every process that asks. */
export function buildLatch(): Promise<Build> {
  built ??= findOrMake();
  return built;
}

async function findOrMake(): Promise<Build> {
  const dir = join(CACHE, await hashOfSources());
  const found = await readBuild(dir);
  if (found) return found;
  const scratch = `${dir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await compileInto(scratch);
    try {
      await rename(scratch, dir);
    } catch (error) {
      // Another process finished the same build first: theirs is as good.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await removeStaleBuilds(dir);
  const build = await readBuild(dir);
  if (!build) throw new Error(`building Latch into ${dir} left no build`);
  return build;
}

async function readBuild(dir: string): Promise<Build | undefined> {
  const main = join(dir, 'src/main.js');
  const report = join(dir, 'build.json');
  if (!existsSync(main) || !existsSync(report)) return undefined;
  const { typeErrors } = JSON.parse(await readFile(report, 'utf8')) as { typeErrors: string | null };
  return typeErrors ? { main, typeErrors } : { main };
}

async function compileInto(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Node stops looking for a package scope at node_modules: say the build is ESM here.
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  const tsc = await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', dir]);
  if (!existsSync(join(dir, 'src/main.js'))) throw new Error(`building Latch failed:\n${tsc.output}`);
  // As `npm run build` does after tsc: the archive a new embedded data directory starts from.
  const template = await run(process.execPath, [join(dir, 'src/db/build-embedded-template.js')]);
  if (template.code !== 0) throw new Error(`writing the embedded template failed:\n${template.output}`);
  // Written last: a directory without it is a build cut short.
  const typeErrors = tsc.code === 0 ? null : tsc.output;
  await writeFile(join(dir, 'build.json'), `${JSON.stringify({ typeErrors })}\n`);
}

async function hashOfSources(): Promise<string> {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of await filesUnder(join(ROOT, source))) {
      hash.update(`${relative(ROOT, file)}\0`);
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function filesUnder(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(child)));
    else if (entry.isFile() && !entry.name.endsWith('.test.ts')) files.push(child);
  }
  return files.sort();
}

async function removeStaleBuilds(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep) continue;
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: now }));
    if (now - mtimeMs > STALE_MS) await rm(path, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}
