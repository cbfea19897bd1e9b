import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  type DeleteAccountAssignmentCommandOutput,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  paginateListAccountAssignments,
  paginateListAccountAssignmentsForPrincipal,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { ProvisioningError } from '../core/errors.js';
import { awsErrorName, callAws, toProvisioningError } from './aws-errors.js';
import { ASSIGNMENT_SLOTS, type AssignmentSlots, processCallLimits } from './call-limits.js';

export interface AssignmentTarget {
  instanceArn: string;
  accountId: string;
  permissionSetArn: string;
  /** Identity Center user id (or group id, with principalType GROUP). */
  principalId: string;
  /** USER unless given: Latch grants to users; insights may remove a group's standing assignment. */
  principalType?: 'USER' | 'GROUP';
}

export interface PollSettings {
  /** First wait before asking for the status; doubles up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Give up (retriably) after this long; the next attempt finds what AWS finished meanwhile. */
  timeoutMs: number;
}

export const DEFAULT_POLL: PollSettings = { firstDelayMs: 250, maxDelayMs: 5000, timeoutMs: 120_000 };

/**
 * Identity Center allows 10 outstanding CreateAccountAssignment requests (PLATFORM.md B3): each
 * request and its polling hold one of `slots`, which every replica shares when they are the database's.
 */
async function outstanding<T>(slots: AssignmentSlots, work: () => Promise<T>): Promise<T> {
  const release = await slots.acquire(ASSIGNMENT_SLOTS);
  try {
    return await work();
  } finally {
    // A release that fails (the database went away) must not undo AWS's answer: the lease frees the slot.
    await release().catch(() => undefined);
  }
}

/** Gives a user a permission set on an account, waiting until AWS says it is done. */
export async function assignPermissionSet(
  client: SSOAdminClient,
  target: AssignmentTarget,
  poll: PollSettings = DEFAULT_POLL,
  slots: AssignmentSlots = processCallLimits().assignmentSlots,
): Promise<{ changed: boolean }> {
  if (await hasAssignment(client, target)) return { changed: false };
  await outstanding(slots, async () => {
    const created = await callAws('sso:CreateAccountAssignment', () =>
      client.send(new CreateAccountAssignmentCommand(assignmentInput(target))),
    );
    const id = requestIdOf(created.AccountAssignmentCreationStatus, 'CreateAccountAssignment');
    await waitForStatus('creation', poll, async () => {
      const described = await callAws('sso:DescribeAccountAssignmentCreationStatus', () =>
        client.send(
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: target.instanceArn,
            AccountAssignmentCreationRequestId: id,
          }),
        ),
      );
      return described.AccountAssignmentCreationStatus ?? {};
    });
  });
  return { changed: true };
}

/** Takes a permission set on an account away from a user; no such assignment counts as done. */
export async function unassignPermissionSet(
  client: SSOAdminClient,
  target: AssignmentTarget,
  poll: PollSettings = DEFAULT_POLL,
  slots: AssignmentSlots = processCallLimits().assignmentSlots,
): Promise<{ changed: boolean }> {
  // Not listed may still be on its way: a creation in progress is not listed, and deleting meets
  // ConflictException (retriable) instead of a "gone" that would leave the access behind when AWS finishes.
  const listed = await hasAssignment(client, target);
  const deleted = await outstanding(slots, async (): Promise<boolean> => {
    let answer: DeleteAccountAssignmentCommandOutput;
    try {
      answer = await client.send(new DeleteAccountAssignmentCommand(assignmentInput(target)));
    } catch (error) {
      // Removed by someone else since it was listed: gone, but not by Latch.
      if (awsErrorName(error) === 'ResourceNotFoundException') return false;
      throw toProvisioningError('sso:DeleteAccountAssignment', error);
    }
    const id = requestIdOf(answer.AccountAssignmentDeletionStatus, 'DeleteAccountAssignment');
    await waitForStatus('deletion', poll, async () => {
      const described = await callAws('sso:DescribeAccountAssignmentDeletionStatus', () =>
        client.send(
          new DescribeAccountAssignmentDeletionStatusCommand({
            InstanceArn: target.instanceArn,
            AccountAssignmentDeletionRequestId: id,
          }),
        ),
      );
      return described.AccountAssignmentDeletionStatus ?? {};
    });
    return true;
  });
  return { changed: listed && deleted };
}

/** The SDK does not check response shapes: a status without a request id cannot be followed. */
function requestIdOf(status: { RequestId?: string | undefined } | undefined, operation: string): string {
  if (!status?.RequestId) throw new ProvisioningError(`${operation} returned no request id`, true);
  return status.RequestId;
}

/** Who holds a permission set on an account: user and group principal ids. */
export async function assignmentHolders(
  client: SSOAdminClient,
  instanceArn: string,
  accountId: string,
  permissionSetArn: string,
): Promise<Array<{ principalId: string; principalType: string }>> {
  const holders: Array<{ principalId: string; principalType: string }> = [];
  try {
    for await (const page of paginateListAccountAssignments(
      { client },
      { InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn },
    )) {
      for (const a of page.AccountAssignments ?? []) {
        if (a.PrincipalId)
          holders.push({ principalId: a.PrincipalId, principalType: a.PrincipalType ?? 'USER' });
      }
    }
  } catch (error) {
    throw toProvisioningError('sso:ListAccountAssignments', error);
  }
  return holders;
}

function assignmentInput(target: AssignmentTarget) {
  return {
    InstanceArn: target.instanceArn,
    TargetId: target.accountId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: target.permissionSetArn,
    PrincipalType: target.principalType ?? 'USER',
    PrincipalId: target.principalId,
  };
}

async function hasAssignment(client: SSOAdminClient, target: AssignmentTarget): Promise<boolean> {
  try {
    for await (const page of paginateListAccountAssignmentsForPrincipal(
      { client },
      {
        InstanceArn: target.instanceArn,
        PrincipalId: target.principalId,
        PrincipalType: target.principalType ?? 'USER',
        Filter: { AccountId: target.accountId },
      },
    )) {
      const assignments = page.AccountAssignments ?? [];
      if (
        assignments.some(
          (a) => a.PermissionSetArn === target.permissionSetArn && a.AccountId === target.accountId,
        )
      ) {
        return true;
      }
    }
    return false;
  } catch (error) {
    throw toProvisioningError('sso:ListAccountAssignmentsForPrincipal', error);
  }
}

/** Polls with doubling delays until the request leaves IN_PROGRESS; FAILED carries AWS's reason. */
async function waitForStatus(
  kind: 'creation' | 'deletion',
  poll: PollSettings,
  describe: () => Promise<{ Status?: string; FailureReason?: string; RequestId?: string }>,
): Promise<void> {
  const deadline = Date.now() + poll.timeoutMs;
  let delay = poll.firstDelayMs;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const status = await describe();
    if (status.Status === 'SUCCEEDED') return;
    if (status.Status === 'FAILED') {
      throw new ProvisioningError(
        `Identity Center account assignment ${kind} failed: ${status.FailureReason ?? 'no reason given'}`,
        false,
      );
    }
    if (Date.now() + delay > deadline) {
      throw new ProvisioningError(
        `Identity Center account assignment ${kind} ${status.RequestId ?? ''} still in progress after ${Math.round(poll.timeoutMs / 1000)}s`,
        true,
      );
    }
    delay = Math.min(delay * 2, poll.maxDelayMs);
  }
}
