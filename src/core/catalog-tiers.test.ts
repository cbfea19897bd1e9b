import { describe, expect, it } from 'vitest';
import { effectiveResources } from './catalog-tiers.js';
import type { CatalogEntry, Resource, TierOverride } from './model.js';

const fileResource: Resource = {
  id: 'prod-admin',
  name: 'Prod admin',
  kind: 'sso_permission_set',
  tier: 'critical',
  accountId: '111111111111',
  permissionSetArn: 'arn:ps-admin',
  owners: ['carol@example.com'],
  enforce: true,
};
const entry = (id: string, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
  key: `iam_group:222222222222:${id}`,
  id,
  kind: 'iam_group',
  name: `Group ${id}`,
  accountId: '222222222222',
  groupName: id,
  lastSeenAt: new Date(0),
  ...extra,
});
const override = (resourceId: string, tier: string): TierOverride => ({
  resourceId,
  tier,
  setBy: 'U0ADMIN',
  setAt: new Date(0),
});

describe('the resources people can ask for', () => {
  it('are the policy file’s when no admin changed a tier', () => {
    expect(effectiveResources([fileResource], [entry('auditors')], [])).toEqual([fileResource]);
  });

  it('give a policy resource the tier an admin set, keeping its owners and enforcement', () => {
    const [got] = effectiveResources([fileResource], [], [override('prod-admin', 'high')]);
    expect(got).toEqual({ ...fileResource, tier: 'high' });
  });

  it('add a catalog entry once an admin gives it a tier, with no owners and no enforcement', () => {
    const got = effectiveResources([fileResource], [entry('auditors')], [override('auditors', 'low')]);
    expect(got).toContainEqual({
      id: 'auditors',
      name: 'Group auditors',
      kind: 'iam_group',
      tier: 'low',
      accountId: '222222222222',
      groupName: 'auditors',
      owners: [],
      enforce: false,
    });
  });

  it('leave out a catalog entry set back to unclassified, and the entries that are policy resources', () => {
    const got = effectiveResources(
      [fileResource],
      [entry('auditors'), entry('prod-admin-copy', { policyResourceId: 'prod-admin' })],
      [override('auditors', 'unclassified'), override('prod-admin-copy', 'low')],
    );
    expect(got.map((r) => r.id)).toEqual(['prod-admin']);
  });
});
