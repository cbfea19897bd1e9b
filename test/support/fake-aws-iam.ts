import type { FakeQueryService } from './fake-aws-common.js';

/** IAM (awsQuery): IAM users (with tags), groups and memberships in every account. */
export class IamState {
  constructor(readonly managementAccount: string) {}
}

export function iamService(_state: IamState): FakeQueryService {
  return {
    service: 'iam',
    protocol: 'awsQuery',
    version: '2010-05-08',
    xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
    throttleCode: 'Throttling',
    has: () => false,
    call() {
      throw new Error('not written yet');
    },
  };
}
