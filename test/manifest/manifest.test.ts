import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { calledMethods, METHOD_SCOPES, USAGE_SCOPES } from './slack-method-scopes.js';

const ROOT = new URL('../../', import.meta.url).pathname;

// biome-ignore lint/suspicious/noExplicitAny: the manifest is parsed YAML, checked field by field below.
type Manifest = any;

/** Every non-test TypeScript file under src/, as [path, text]. */
async function sourceFiles(dir = join(ROOT, 'src')): Promise<Array<[string, string]>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry): Promise<Array<[string, string]>> => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) return [];
      return [[relative(ROOT, path), await readFile(path, 'utf8')]];
    }),
  );
  return nested.flat();
}

describe('manifest.yml', () => {
  let manifest: Manifest;
  let needed: Map<string, string[]>;
  let unknownMethods: string[];

  beforeAll(async () => {
    manifest = parse(await readFile(join(ROOT, 'manifest.yml'), 'utf8'));
    needed = new Map();
    unknownMethods = [];
    const need = (scope: string, why: string) => needed.set(scope, [...(needed.get(scope) ?? []), why]);
    for (const [path, text] of await sourceFiles()) {
      for (const method of calledMethods(text)) {
        const scopes = METHOD_SCOPES[method];
        if (!scopes) unknownMethods.push(`${method} (${path})`);
        for (const scope of scopes ?? []) need(scope, `${method} in ${path}`);
      }
      for (const usage of USAGE_SCOPES)
        if (usage.pattern.test(text)) need(usage.scope, `${usage.why} in ${path}`);
    }
  });

  it('is an app manifest with /access, interactivity, an App Home tab and app_home_opened', () => {
    expect(manifest._metadata?.major_version).toBe(1);
    const { name, description, long_description } = manifest.display_information ?? {};
    expect(typeof name === 'string' && name.length > 0 && name.length <= 35, 'name: 1 to 35 characters').toBe(
      true,
    );
    expect(typeof description === 'string' && description.length <= 140, 'description: at most 140').toBe(
      true,
    );
    expect((long_description ?? '').length <= 4000, 'long_description: at most 4000').toBe(true);
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect((manifest.features?.bot_user?.display_name ?? '').length).toBeLessThanOrEqual(80);
    const commands = manifest.features?.slash_commands ?? [];
    const access = commands.find((c: Manifest) => c.command === '/access');
    expect(access, 'a slash command /access').toBeDefined();
    expect(access.description.length).toBeGreaterThan(0);
    expect((access.usage_hint ?? '').length).toBeLessThanOrEqual(1000);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings?.event_subscriptions?.bot_events).toContain('app_home_opened');
    expect(manifest.oauth_config?.scopes?.bot).toEqual(expect.any(Array));
  });

  it('sends every HTTP-mode request to /slack/events, where Bolt listens', () => {
    if (manifest.settings?.socket_mode_enabled) return;
    const urls = [
      ...(manifest.features?.slash_commands ?? []).map((c: Manifest) => c.url),
      manifest.settings?.event_subscriptions?.request_url,
      manifest.settings?.interactivity?.request_url,
    ];
    for (const url of urls) expect(url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
  });

  it('knows the scopes of every Slack Web API method the code calls', () => {
    expect(
      unknownMethods,
      'add these methods and their scopes to test/manifest/slack-method-scopes.ts',
    ).toEqual([]);
    expect(needed.size, 'the scan found Slack calls in src/').toBeGreaterThan(0);
  });

  it('asks for every bot scope the code needs', () => {
    const granted: string[] = manifest.oauth_config.scopes.bot;
    const missing = [...needed.keys()].filter((scope) => !granted.includes(scope));
    const why = missing.map((scope) => `${scope}: ${needed.get(scope)?.join('; ')}`);
    expect(why, 'add these scopes to oauth_config.scopes.bot in manifest.yml').toEqual([]);
  });

  it('asks for no bot scope the code does not need (least privilege)', () => {
    const granted: string[] = manifest.oauth_config.scopes.bot;
    const extra = granted.filter((scope) => !needed.has(scope));
    expect(
      extra,
      'no Slack call in src/ needs these: remove them from oauth_config.scopes.bot in manifest.yml',
    ).toEqual([]);
  });
});
