import { describe, expect, it } from 'vitest';
import type { Grant } from '../core/model.js';
import { grantsTable } from './grants-table.js';

const base: Grant = {
  id: 'G7K2',
  requestId: 'R1',
  requesterId: 'U0ALICE',
  requesterEmail: 'alice@example.com',
  resourceId: 'oncall',
  durationSeconds: 7200,
  status: 'active',
  provisionedAt: new Date('2026-11-21T10:00:00Z'),
  expiresAt: new Date('2026-11-21T12:00:00Z'),
  attempts: 0,
  nextAttemptAt: new Date('2026-11-21T10:00:00Z'),
  createdAt: new Date('2026-11-21T09:59:00Z'),
};

describe('grantsTable', () => {
  it('is empty when there are no grants', () => {
    expect(grantsTable([])).toEqual([]);
  });

  it('aligns one row per grant under a header, saying when each ends or ended', () => {
    const revoked: Grant = {
      ...base,
      id: 'G9',
      status: 'revoked',
      requesterEmail: 'bob@example.com',
      revokedAt: new Date('2026-11-21T11:00:00Z'),
      revokeReason: 'released',
    };
    expect(grantsTable([base, revoked])).toEqual([
      'ID    STATUS   REQUESTER          RESOURCE  DURATION  WHEN',
      'G7K2  active   alice@example.com  oncall    2h        until 2026-11-21 12:00Z',
      'G9    revoked  bob@example.com    oncall    2h        ended 2026-11-21 11:00Z (released)',
    ]);
  });

  it('shows the last error of a revocation that keeps failing', () => {
    const stuck: Grant = {
      ...base,
      status: 'revoking',
      attempts: 3,
      lastError: 'ThrottlingException\nstack',
    };
    expect(grantsTable([stuck])[1]).toContain(
      'revoking since 2026-11-21 12:00Z (attempt 3): ThrottlingException',
    );
  });
});
