/** One doctor line: ok, what to fix, a warning, or why it was not checked. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'fail' | 'warn' | 'skip';
  detail?: string;
}

export function ok(name: string, detail?: string): CheckResult {
  return { name, status: 'ok', ...(detail ? { detail } : {}) };
}

export function fail(name: string, detail: string): CheckResult {
  return { name, status: 'fail', detail };
}

export function warn(name: string, detail: string): CheckResult {
  return { name, status: 'warn', detail };
}

export function skip(name: string, detail: string): CheckResult {
  return { name, status: 'skip', detail };
}

export function checkLine(result: CheckResult): string {
  const detail = result.detail ?? '';
  switch (result.status) {
    case 'ok':
      return `${result.name}: ok${detail ? ` (${detail})` : ''}`;
    case 'fail':
      return `${result.name}: FAIL: ${detail}`;
    case 'warn':
      return `${result.name}: warning: ${detail}`;
    case 'skip':
      return `${result.name}: skipped: ${detail}`;
  }
}

export function doctorSummary(results: readonly CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  const failed = count('fail');
  const extras = [
    count('warn') ? `${count('warn')} warning(s)` : '',
    count('skip') ? `${count('skip')} skipped` : '',
  ].filter(Boolean);
  const tail = extras.length ? ` (${extras.join(', ')})` : '';
  return failed
    ? `doctor: ${failed} of ${results.length} checks failed${tail}`
    : `doctor: all checks passed${tail}`;
}

/** Scopes the token has against those the manifest asks for; `undefined` when Slack did not say. */
export function compareScopes(
  granted: readonly string[] | undefined,
  wanted: readonly string[],
): CheckResult {
  const name = 'slack scopes';
  if (!granted) return warn(name, 'could not read (no x-oauth-scopes header)');
  const missing = wanted.filter((scope) => !granted.includes(scope));
  if (missing.length) {
    return fail(
      name,
      `the token lacks ${missing.join(', ')}: add them to the Slack app (manifest.yml lists them) and reinstall it`,
    );
  }
  const extra = granted.filter((scope) => !wanted.includes(scope));
  return ok(
    name,
    extra.length ? `also has ${extra.join(', ')}, which manifest.yml does not ask for` : undefined,
  );
}
