import type { DiscoveredResource, Resource } from './model.js';

/** The natural key of a resource, the same whether the policy names it or sync found it. */
export function resourceKey(
  r: Pick<Resource, 'kind' | 'accountId' | 'permissionSetArn' | 'groupName' | 'groupId'>,
): string {
  switch (r.kind) {
    case 'sso_group':
      return `sso_group:${r.groupId ?? ''}`;
    case 'sso_permission_set':
      return `sso_permission_set:${r.accountId ?? ''}:${r.permissionSetArn ?? ''}`;
    case 'iam_group':
      return `iam_group:${r.accountId ?? ''}:${r.groupName ?? ''}`;
  }
}

/** A short, typeable id for a resource the policy does not name, unique among `taken`. */
export function suggestedId(found: DiscoveredResource, taken: ReadonlySet<string>): string {
  const slug =
    found.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'resource';
  const base = found.kind === 'sso_group' ? `group-${slug}` : `${slug}-${found.accountId ?? ''}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
