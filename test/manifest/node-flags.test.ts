import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { LATCH_NODE_FLAGS } from '../../bench/support/build-latch.js';

/** `npm start` (which the benchmarks read) and the container image must run the same Node process. */
describe('the node flags Latch runs with', () => {
  it('are the same in `npm start` and in the image’s CMD, and give V8 a 64 MB young generation', async () => {
    const dockerfile = await readFile(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const cmdLine = dockerfile.split('\n').find((line) => line.startsWith('CMD '));
    const cmd = JSON.parse(cmdLine?.slice(4) ?? '[]') as string[];
    const imageFlags = cmd.slice(1, cmd.indexOf('dist/src/main.js'));

    expect(imageFlags).toEqual(LATCH_NODE_FLAGS);
    expect(LATCH_NODE_FLAGS).toContain('--max-semi-space-size=64');
  });
});
