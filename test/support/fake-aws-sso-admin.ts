import type { FakeJsonService } from './fake-aws-common.js';

/** IAM Identity Center admin (awsJson1_1): instances, permission sets, asynchronous account assignments. */
export class SsoAdminState {
  constructor(readonly managementAccount: string) {}
}

export function ssoAdminService(_state: SsoAdminState): FakeJsonService {
  return {
    service: 'sso',
    protocol: 'awsJson1_1',
    targetPrefixes: ['SWBExternalService'],
    namespace: 'com.amazonaws.ssoadmin',
    throttleCode: 'ThrottlingException',
    has: () => false,
    call() {
      throw new Error('not written yet');
    },
  };
}
