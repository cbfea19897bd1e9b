export interface WorkThroughOptions {
  /** Items claimed at a time; a claim that comes back shorter means nothing more is due. */
  batchSize: number;
  /** Items worked on at once. The AWS call limits, not this, set the pace. */
  concurrency: number;
  /** No batch is claimed after this long, so one kind of work can't hold up the rest of a sweep. */
  budgetMs: number;
}

/**
 * Works through due items: claims a batch, works on `concurrency` of them at a time, and claims the
 * next batch as soon as the queue runs dry, so AWS is kept busy from one batch to the next.
 * Resolves with every result once the work in hand is done; a failure (of a claim or an item) stops
 * further claims and is thrown once everything already claimed has been worked on.
 */
export async function workThrough<T, R>(
  claim: () => Promise<T[]>,
  work: (item: T) => Promise<R>,
  options: WorkThroughOptions,
): Promise<R[]> {
  const started = performance.now();
  const queue: T[] = [];
  const results: R[] = [];
  let exhausted = false;
  let claiming: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;
  const refill = () => {
    claiming ??= claim()
      .then((batch) => {
        queue.push(...batch);
        if (batch.length < options.batchSize || performance.now() - started >= options.budgetMs) {
          exhausted = true;
        }
      })
      .catch((error: unknown) => {
        failure ??= { error };
        exhausted = true;
      })
      .finally(() => {
        claiming = undefined;
      });
    return claiming;
  };
  const worker = async () => {
    for (;;) {
      const item = queue.shift();
      if (item !== undefined) {
        try {
          results.push(await work(item));
        } catch (error) {
          failure ??= { error };
          exhausted = true;
        }
      } else if (exhausted) return;
      else await refill();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (failure) throw failure.error;
  return results;
}
