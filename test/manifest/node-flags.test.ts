import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

/** `npm start`, the container image and the benchmarks must run the same Node process. */
describe('the node flags Latch runs with', () => {
  it('are the same in `npm start` and in the image’s CMD, and give V8 a 64 MB young generation', async () => {
    const start = (JSON.parse(await read('package.json')) as { scripts: { start: string } }).scripts.start;
    const words = start.split(/\s+/);
    const npmFlags = words.slice(words.indexOf('node') + 1, words.indexOf('dist/src/main.js'));

    const cmdLine = (await read('Dockerfile')).split('\n').find((line) => line.startsWith('CMD '));
    const cmd = JSON.parse(cmdLine?.slice(4) ?? '[]') as string[];
    const imageFlags = cmd.slice(1, cmd.indexOf('dist/src/main.js'));

    expect(imageFlags).toEqual(npmFlags);
    expect(npmFlags).toContain('--max-semi-space-size=64');
  });
});
