import type { LoadedPolicy } from '../config/policy.js';
import type { AwsProvisionerSettings } from './aws-provisioner.js';
import type { CallLimits } from './call-limits.js';

/**
 * The policy file's `aws:` block as the adapters take it; `callLimits` are the database's when
 * several replicas share them (the process's own otherwise).
 */
export function awsSettingsFrom(
  loaded: Pick<LoadedPolicy, 'aws'> | undefined,
  callLimits?: CallLimits,
): AwsProvisionerSettings {
  const aws = loaded?.aws;
  const center = aws?.identity_center;
  return {
    ...(aws?.region ? { region: aws.region } : {}),
    ...(center?.instance_arn ? { instanceArn: center.instance_arn } : {}),
    ...(center?.identity_store_id ? { identityStoreId: center.identity_store_id } : {}),
    ...(aws?.cross_account_role ? { role: aws.cross_account_role } : {}),
    ...(aws?.external_id ? { externalId: aws.external_id } : {}),
    ...(callLimits ? { callLimits } : {}),
  };
}
