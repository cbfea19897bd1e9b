import { ProvisioningError } from '../core/errors.js';

/** Errors that trying again cannot fix: the request or the configuration is wrong. */
const PERMANENT = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'ValidationException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ServiceQuotaExceededException',
]);

/** SDK name of an AWS error, if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Wraps an SDK failure (already retried by the SDK) as a ProvisioningError saying whether a later retry may help. */
export function toProvisioningError(operation: string, error: unknown): ProvisioningError {
  const name = awsErrorName(error) ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new ProvisioningError(`${operation}: ${name}: ${message}`, !PERMANENT.has(name), { cause: error });
}
