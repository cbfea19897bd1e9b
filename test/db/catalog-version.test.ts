import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const at = new Date('2026-11-21T09:00:00Z');

describe('catalogVersion', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await test.destroy();
  });

  it('changes whenever a tier changes, even set back at the same instant or by a replica whose clock is behind', async () => {
    const { store } = test;
    const versions = [await store.catalogVersion()];
    const set = async (resourceId: string, tier: string, setAt: Date) => {
      await store.setTierOverride({ resourceId, tier, setBy: 'U0ADMIN', setAt });
      versions.push(await store.catalogVersion());
    };

    await set('audit-readonly', 'medium', at);
    await set('audit-readonly', 'low', at); // set back within the same millisecond
    await set('oncall', 'high', new Date(at.getTime() + 60_000));
    await set('audit-readonly', 'critical', at); // a replica whose clock runs a minute behind

    expect(new Set(versions).size).toBe(versions.length);
    await set('audit-readonly', 'critical', at);
    expect(versions.at(-1)).toBe(versions.at(-2));
  });
});
