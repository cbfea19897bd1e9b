import type { FakeJsonService } from './fake-aws-common.js';

/** CloudTrail (awsJson1_1): LookupEvents over the events of each account and region. */
export class CloudTrailState {
  constructor(readonly managementAccount: string) {}
}

export function cloudTrailService(_state: CloudTrailState): FakeJsonService {
  return {
    service: 'cloudtrail',
    protocol: 'awsJson1_1',
    targetPrefixes: ['CloudTrail_20131101', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'],
    namespace: 'com.amazonaws.cloudtrail.v20131101',
    throttleCode: 'ThrottlingException',
    has: () => false,
    call() {
      throw new Error('not written yet');
    },
  };
}
