import type { FakeJsonService } from './fake-aws-common.js';

/** Organizations (awsJson1_1): the accounts of one organization. */
export class OrganizationsState {
  constructor(readonly managementAccount: string) {}
}

export function organizationsService(_state: OrganizationsState): FakeJsonService {
  return {
    service: 'organizations',
    protocol: 'awsJson1_1',
    targetPrefixes: ['AWSOrganizationsV20161128'],
    namespace: 'com.amazonaws.organizations.v20161128',
    throttleCode: 'TooManyRequestsException',
    has: () => false,
    call() {
      throw new Error('not written yet');
    },
  };
}
