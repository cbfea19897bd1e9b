import type { PolicyDocument } from './policy-document.js';

/**
 * Standing access as read from AWS, in plain data: what the scores and recommendations work from.
 * The AWS adapter (`src/aws/iam-inventory.ts`) fills it; nothing here knows the SDK.
 */

export interface InlinePolicy {
  name: string;
  document: PolicyDocument;
}

export interface AccessKeyFacts {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createdAt: Date;
  /** Absent when AWS has no record of a use. */
  lastUsedAt?: Date;
  lastUsedService?: string;
}

export interface IamUserFacts {
  accountId: string;
  userName: string;
  userId: string;
  arn: string;
  createdAt: Date;
  /** Has a password (GetLoginProfile succeeded). */
  hasConsole: boolean;
  passwordLastUsedAt?: Date;
  accessKeys: AccessKeyFacts[];
  groups: string[];
  /** ARNs of managed policies attached to the user. */
  attachedPolicyArns: string[];
  inlinePolicies: InlinePolicy[];
}

export interface IamGroupFacts {
  accountId: string;
  groupName: string;
  arn: string;
  attachedPolicyArns: string[];
  inlinePolicies: InlinePolicy[];
}

export interface IamRoleFacts {
  accountId: string;
  roleName: string;
  arn: string;
  createdAt: Date;
}

export interface ManagedPolicyFacts {
  arn: string;
  name: string;
  defaultVersionId: string;
  document: PolicyDocument;
}

export interface AccountInventory {
  accountId: string;
  accountName: string;
  readAt: Date;
  users: IamUserFacts[];
  groups: IamGroupFacts[];
  roles: IamRoleFacts[];
  /** Every managed policy attached to a user or group of the account, by ARN. */
  policies: ManagedPolicyFacts[];
}

export interface IdentityCenterInventory {
  readAt: Date;
  users: Array<{ userId: string; userName: string; email?: string }>;
  groups: Array<{ groupId: string; displayName: string }>;
  memberships: Array<{ groupId: string; userId: string }>;
  assignments: Array<{
    accountId: string;
    permissionSetArn: string;
    permissionSetName: string;
    principalType: 'USER' | 'GROUP';
    principalId: string;
  }>;
}

export interface InventoryFailure {
  accountId?: string;
  step: string;
  error: string;
}

export interface Inventory {
  readAt: Date;
  accounts: AccountInventory[];
  identityCenter?: IdentityCenterInventory;
  /** Accounts or parts that could not be read; everything else was. */
  failures: InventoryFailure[];
}
