import { ProvisioningError } from '../core/errors.js';

/** Errors that trying again cannot fix: the request or the configuration is wrong. */
const PERMANENT = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'ValidationException',
  'ValidationError',
  'InvalidInput',
  'InvalidInputException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ServiceQuotaExceededException',
  'NoSuchEntityException',
  'LimitExceededException',
  'AWSOrganizationsNotInUseException',
]);

const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);

/** SDK name of an AWS error, if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isAccessDenied(error: unknown): boolean {
  return DENIED.has(awsErrorName(error) ?? '');
}

/**
 * Wraps an SDK failure (already retried by the SDK for throttling and 5xx) as a ProvisioningError:
 * AWS's code and message are kept for the audit log, access denied names the IAM action Latch lacks,
 * and `retriable` says whether a later attempt may help. Errors already sorted pass through.
 */
export function toProvisioningError(action: string, error: unknown): ProvisioningError {
  if (error instanceof ProvisioningError) return error;
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (DENIED.has(name)) {
    return new ProvisioningError(
      `${action} was denied (${name}: ${message}); give Latch the policy \`latch aws-policy\` prints`,
      false,
      { cause: error },
    );
  }
  return new ProvisioningError(`${action}: ${name}: ${message}`, !PERMANENT.has(name), {
    cause: error,
    ...(name === 'ConflictException' ? { retryAfterSeconds: IN_PROGRESS_RETRY_SECONDS } : {}),
  });
}

/**
 * ConflictException means another change to the same assignment or membership is in progress, and
 * AWS finishes those in seconds: a revocation tries again this soon rather than after a backoff that
 * grows to an hour (after a crash mid-change, one grant outlived its expiry by minutes that way).
 */
const IN_PROGRESS_RETRY_SECONDS = 2;

/** Runs one AWS call, sorting a failure with `toProvisioningError` under its IAM action. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toProvisioningError(action, error);
  }
}
