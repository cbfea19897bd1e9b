import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessRequest, Grant } from '../../src/core/model.js';
import type { Latch } from '../../src/latch.js';
import { auditActions, visible } from '../support/e2e-steps.js';
import { type LatchWorld, startLatchWorld } from '../support/start-latch.js';
import { DIALECT } from '../support/test-database.js';

const PEOPLE = 30;
const MINUTE = 60;

describe(`two Latch replicas on one ${DIALECT} database`, () => {
  let world: LatchWorld;
  let replica: Latch;
  let people: Array<{ slackId: string; awsId: string }>;

  beforeEach(async () => {
    world = await startLatchWorld();
    replica = await world.startReplica();
    people = Array.from({ length: PEOPLE }, (_, i) => {
      const slackId = `U0P${String(i).padStart(3, '0')}`;
      const email = `person${i}@example.com`;
      world.slack.addUser({ id: slackId, email, name: `person${i}`, isEmailConfirmed: true });
      return { slackId, awsId: world.aws.addUser({ userName: `person${i}`, email }) };
    });
  });
  afterEach(async () => {
    await replica.stop();
    await world.stop();
  });

  /** Everyone gets an approved request and a grant in `status`, written as the first replica would. */
  async function seedGrants(status: 'provisioning' | 'active'): Promise<Grant[]> {
    const now = world.clock.now();
    const grants: Grant[] = [];
    for (const [i, person] of people.entries()) {
      const request: AccessRequest = {
        id: `RSEED${i}`,
        requesterId: person.slackId,
        requesterEmail: `person${i}@example.com`,
        resourceId: 'readonly',
        durationSeconds: 3600,
        justification: 'seeded',
        status: 'approved',
        currentStep: 0,
        createdAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
        decidedAt: now,
        decidedBy: 'latch',
      };
      const grant: Grant = {
        id: `GSEED${i}`,
        requestId: request.id,
        requesterId: person.slackId,
        requesterEmail: request.requesterEmail,
        resourceId: 'readonly',
        durationSeconds: 3600,
        status,
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        ...(status === 'active'
          ? {
              principalId: person.awsId,
              provisionedAt: now,
              expiresAt: new Date(now.getTime() + 3600_000),
              warnAt: new Date(now.getTime() + 45 * 60_000),
            }
          : {}),
      };
      await world.latch.deps.store.insertRequest(request);
      await world.latch.deps.store.insertGrant(grant);
      if (status === 'active') world.aws.addMembership(world.groups.readonly, person.awsId);
      grants.push(grant);
    }
    return grants;
  }

  const sweepTogether = () =>
    Promise.all([world.latch.sweep(), replica.sweep(), world.latch.sweep(), replica.sweep()]);
  const operations = (name: string) =>
    world.aws.calls.filter((c) => c.operation === name && c.status === 200);

  it('provision every due grant exactly once', async () => {
    await seedGrants('provisioning');

    await sweepTogether();

    expect(operations('CreateGroupMembership')).toHaveLength(PEOPLE);
    for (const person of people) expect(world.aws.isMember(world.groups.readonly, person.awsId)).toBe(true);
    for (const [i] of people.entries())
      expect(await auditActions(world, { grantId: `GSEED${i}` })).toEqual(['grant.active']);
  });

  it('warn and revoke every due grant exactly once', async () => {
    await seedGrants('active');

    world.clock.advanceSeconds(46 * MINUTE);
    await sweepTogether();
    for (const person of people) {
      expect(world.slack.dmsTo(person.slackId).filter((m) => visible(m).includes('⏳'))).toHaveLength(1);
    }

    world.clock.advanceSeconds(15 * MINUTE);
    await sweepTogether();

    expect(operations('GetGroupMembershipId')).toHaveLength(PEOPLE);
    expect(operations('DeleteGroupMembership')).toHaveLength(PEOPLE);
    expect(world.aws.membersOf(world.groups.readonly)).toEqual([]);
    for (const [i, person] of people.entries()) {
      expect(await auditActions(world, { grantId: `GSEED${i}` })).toEqual([
        'grant.warned',
        'grant.revoking',
        'grant.revoked',
      ]);
      expect(world.slack.dmsTo(person.slackId).filter((m) => visible(m).includes('has ended'))).toHaveLength(
        1,
      );
    }
  });
});
