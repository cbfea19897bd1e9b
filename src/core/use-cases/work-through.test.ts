import { describe, expect, it } from 'vitest';
import { workThrough } from './work-through.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('workThrough', () => {
  it('claims batch after batch until a short one, working on every item once', async () => {
    let next = 0;
    const claims: number[] = [];
    const claim = async () => {
      const batch = Array.from({ length: Math.min(4, 10 - next) }, () => next++);
      claims.push(batch.length);
      return batch;
    };
    const slow = async (n: number) => {
      await tick();
      return n;
    };
    const done = await workThrough(claim, slow, {
      batchSize: 4,
      concurrency: 3,
      budgetMs: 60_000,
    });
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(claims).toEqual([4, 4, 2]);
  });

  it('never has more than `concurrency` items in hand at once', async () => {
    let inFlight = 0;
    let most = 0;
    let left = 20;
    await workThrough(
      async () => Array.from({ length: Math.min(5, left) }, () => left--),
      async () => {
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
      },
      { batchSize: 5, concurrency: 3, budgetMs: 60_000 },
    );
    expect(most).toBe(3);
    expect(left).toBe(0);
  });

  it('stops claiming once its time budget is spent, finishing what it holds', async () => {
    let claims = 0;
    const done = await workThrough(
      async () => {
        claims++;
        return [1, 2];
      },
      async (n) => n,
      { batchSize: 2, concurrency: 2, budgetMs: 0 },
    );
    expect(claims).toBe(1);
    expect(done).toHaveLength(2);
  });

  it('finishes the items it holds when one fails, then fails', async () => {
    const done: number[] = [];
    const failing = workThrough(
      async () => [1, 2, 3, 4],
      async (n) => {
        if (n === 1) throw new Error('boom');
        await tick();
        done.push(n);
      },
      { batchSize: 4, concurrency: 2, budgetMs: 60_000 },
    );
    await expect(failing).rejects.toThrow('boom');
    expect(done.sort()).toEqual([2, 3, 4]);
  });

  it('fails when a claim fails, without claiming again', async () => {
    let claims = 0;
    const failing = workThrough(
      async () => {
        claims++;
        throw new Error('database away');
      },
      async (n: number) => n,
      { batchSize: 2, concurrency: 3, budgetMs: 60_000 },
    );
    await expect(failing).rejects.toThrow('database away');
    expect(claims).toBe(1);
  });
});
