import { GetUserIdCommand, type IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { ProvisioningError } from '../core/errors.js';
import { awsErrorName, toProvisioningError } from './aws-errors.js';

/**
 * Email → Identity Center user id: the user whose `emails.value` equals the email, else the
 * one whose `UserName` does (DESIGN §1). No match is a permanent error, never a guess.
 */
export async function findIdentityCenterUser(
  client: IdentitystoreClient,
  identityStoreId: string,
  email: string,
): Promise<string> {
  for (const attributePath of ['emails.value', 'userName']) {
    try {
      const found = await client.send(
        new GetUserIdCommand({
          IdentityStoreId: identityStoreId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: attributePath, AttributeValue: email } },
        }),
      );
      // The SDK does not check response shapes; a reply without UserId is not a match.
      if (found.UserId) return found.UserId;
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException')
        throw toProvisioningError('identitystore:GetUserId', error);
    }
  }
  throw new ProvisioningError(`no IAM Identity Center user has the email or user name ${email}`, false);
}
