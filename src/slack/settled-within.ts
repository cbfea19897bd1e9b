/**
 * Waits until every promise in `pending` has settled, including any added while waiting (their
 * owner removes each as it settles), or until `timeoutMs` passes; answers whether they all did.
 */
export async function settledWithin(
  pending: ReadonlySet<Promise<unknown>>,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pending.size) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      if (Number.isFinite(left)) timer = setTimeout(() => resolve('late'), left);
    });
    const outcome = await Promise.race([Promise.allSettled([...pending]), late]);
    clearTimeout(timer);
    if (outcome === 'late') return false;
  }
  return true;
}
