/**
 * IAM policy grammar, as far as risk scoring needs it: statements with Action or NotAction and
 * Resource or NotResource, each a string or an array, and IAM's case-insensitive `*`/`?` wildcards.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
  Principal?: unknown;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** One statement in a single shape: lists everywhere, `index` for evidence (`Sid` when it has one). */
export interface NormalStatement {
  label: string;
  effect: 'Allow' | 'Deny';
  actions: string[];
  isNotAction: boolean;
  resources: string[];
  isNotResource: boolean;
  hasCondition: boolean;
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export class PolicyDocumentError extends Error {
  override name = 'PolicyDocumentError';
}

/** Parses a document as IAM stores it (JSON text, possibly URL-encoded) or takes an object as is. */
export function parsePolicyDocument(text: string): PolicyDocument {
  const trimmed = text.trim();
  // JSON starts with `{`; anything else is the URL-encoded form IAM's API returns.
  let json = trimmed;
  if (!trimmed.startsWith('{')) {
    try {
      json = decodeURIComponent(trimmed).trim();
    } catch {
      throw new PolicyDocumentError('policy document is neither JSON nor URL-encoded JSON');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new PolicyDocumentError(`policy document is not JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || !('Statement' in parsed)) {
    throw new PolicyDocumentError('policy document has no Statement');
  }
  return parsed as PolicyDocument;
}

export function statementsOf(document: PolicyDocument): NormalStatement[] {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.map((s, i) => ({
    label: s.Sid ? s.Sid : `Statement[${i}]`,
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: s.NotAction !== undefined ? list(s.NotAction) : list(s.Action),
    isNotAction: s.NotAction !== undefined,
    resources: s.NotResource !== undefined ? list(s.NotResource) : list(s.Resource),
    isNotResource: s.NotResource !== undefined,
    hasCondition: s.Condition !== undefined && Object.keys(s.Condition).length > 0,
  }));
}

/** IAM's action match: case-insensitive, `*` any run of characters, `?` one character. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(action.toLowerCase());
}

/** Whether the statement's action element covers `action` (NotAction: no listed pattern matches). */
export function coversAction(statement: NormalStatement, action: string): boolean {
  const matched = statement.actions.some((p) => actionMatches(p, action));
  return statement.isNotAction ? !matched : matched;
}

/** Every action: `*` (IAM also accepts `*:*` in practice). */
export const isAllActions = (pattern: string) => pattern === '*' || pattern === '*:*';

/**
 * A resource element reaches every resource of a kind: `*`, any NotResource, or an ARN whose
 * resource part is `*` or `type/*` (`arn:aws:iam::*:role/*`; for S3 also every bucket's objects).
 * `role/ci-*` is scoped, not broad.
 */
export function isBroadResource(statement: NormalStatement): boolean {
  if (statement.isNotResource) return true;
  return statement.resources.some((r) => {
    if (r === '*') return true;
    const parts = r.split(':');
    const resourcePart = parts.slice(5).join(':');
    // S3 ARNs have no resource type: `bucket/*` is one bucket's objects, `*/*` every bucket's.
    if (parts[2] === 's3') return resourcePart === '*' || resourcePart === '*/*';
    return /^([\w-]+[/:])?\*$/.test(resourcePart);
  });
}

/** Resources as evidence: `NotResource …` when the statement uses NotResource. */
export function resourceEvidence(statement: NormalStatement): string {
  const resources = statement.resources.join(', ');
  return statement.isNotResource ? `NotResource ${resources}` : resources;
}
