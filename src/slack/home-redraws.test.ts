import { describe, expect, it } from 'vitest';
import { MemoryCallRate, sleep } from '../aws/call-limits.js';
import { HomeRedraws } from './home-redraws.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
/** 20 redraws a second after a burst of 3: fast enough for a test, slow enough to see the pace. */
const FAST = { name: 'test-home', rate: { perSecond: 20, burst: 3 } };

function recordingDraw(drawMs = 0) {
  const drawn: Array<{ userId: string; at: number }> = [];
  const started = performance.now();
  const draw = async (userId: string) => {
    await sleep(drawMs);
    drawn.push({ userId, at: performance.now() - started });
  };
  return { draw, drawn };
}

async function until(check: () => boolean, limitMs = 3000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('App Home redraws', () => {
  it('paces the Homes of people not looking, after a burst, each once however often it changed', async () => {
    const { draw, drawn } = recordingDraw();
    const redraws = new HomeRedraws(draw, new MemoryCallRate(), quiet, FAST);
    const people = Array.from({ length: 10 }, (_, i) => `U${i}`);

    for (const userId of people) redraws.later(userId);
    // Changed again while waiting: still one redraw each, and U0 keeps its place at the front.
    for (const userId of people) redraws.later(userId);
    await until(() => drawn.length === 10);

    expect(drawn.map((d) => d.userId)).toEqual(people);
    // The burst of 3 at once; the other 7 one every 50 ms.
    expect(drawn[9]?.at).toBeGreaterThanOrEqual(7 * 50 - 20);
    await sleep(100);
    expect(drawn).toHaveLength(10);
    expect(redraws.waiting).toBe(0);
  });

  it('draws a Home its owner is looking at now, ahead of the queue, and not again from it', async () => {
    const { draw, drawn } = recordingDraw();
    const redraws = new HomeRedraws(draw, new MemoryCallRate(), quiet, FAST);
    for (let i = 0; i < 10; i++) redraws.later(`U${i}`);

    await redraws.now('U8');

    expect(drawn.map((d) => d.userId)).toContain('U8');
    expect(drawn.findIndex((d) => d.userId === 'U8')).toBeLessThan(5);
    await until(() => drawn.length === 10);
    await sleep(100);
    expect(drawn.filter((d) => d.userId === 'U8')).toHaveLength(1);
  });

  it('on stop forgets the redraws not begun and waits for the ones running, up to its deadline', async () => {
    const { draw, drawn } = recordingDraw(100);
    const redraws = new HomeRedraws(draw, new MemoryCallRate(), quiet, FAST);
    for (let i = 0; i < 10; i++) redraws.later(`U${i}`);
    await sleep(20);

    expect(await redraws.stop(1000)).toBe(true);
    const atStop = drawn.length;
    expect(atStop).toBe(3);
    redraws.later('U99');
    await sleep(300);
    expect(drawn).toHaveLength(atStop);

    const hung = new HomeRedraws(() => new Promise<void>(() => {}), new MemoryCallRate(), quiet, FAST);
    void hung.now('U1');
    expect(await hung.stop(50)).toBe(false);
  });

  it('drops the queue, with a warning, when the pace cannot be read', async () => {
    const { draw, drawn } = recordingDraw();
    const warnings: string[] = [];
    const log = { ...quiet, warn: (_fields: unknown, message: string) => void warnings.push(message) };
    const down = {
      take: async () => {
        throw new Error('database unreachable');
      },
    };
    const redraws = new HomeRedraws(draw, down, log, FAST);

    redraws.later('U1');
    await until(() => warnings.length > 0);

    expect(warnings).toEqual(['cannot pace App Home redraws; dropped them']);
    expect(redraws.waiting).toBe(0);
    expect(drawn).toEqual([]);
  });
});
