import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { STSClient } from '@aws-sdk/client-sts';

export interface AwsClients {
  identityStore: IdentitystoreClient;
  sts: STSClient;
}

/**
 * Region only: endpoints, credentials and retry settings come from the SDK's own
 * configuration (AWS_ENDPOINT_URL_*, AWS_MAX_ATTEMPTS …), never from code.
 */
export function createAwsClients(region?: string): AwsClients {
  const config = region ? { region } : {};
  return { identityStore: new IdentitystoreClient(config), sts: new STSClient(config) };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.identityStore.destroy();
  clients.sts.destroy();
}
