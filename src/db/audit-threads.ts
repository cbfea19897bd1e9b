import { LRUCache } from 'lru-cache';

/**
 * Request id → the `ts` of its first audit post, for the requests posted about lately. A thread's
 * `ts` is written once and never changes, so a remembered one is never stale, on any replica; each
 * audit post then reads it from here instead of the database.
 */
export type AuditThreads = LRUCache<string, string>;

export function auditThreads(maxEntries = 5_000): AuditThreads {
  return new LRUCache<string, string>({ max: maxEntries });
}
