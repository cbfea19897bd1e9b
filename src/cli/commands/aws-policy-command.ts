import { loadPolicyFile } from '../../config/load-policy-file.js';
import { awsPolicy } from '../aws-policy.js';
import { type CliCommand, EXIT_FAILED, EXIT_OK, UsageError } from '../cli-command.js';
import { POLICY_OPTION, policyFileFrom } from '../policy-file-option.js';

export const awsPolicyCommand: CliCommand = {
  name: 'aws-policy',
  summary: 'print the least-privilege IAM policies Latch needs, as JSON',
  help: `Prints an IAM policy document covering exactly the AWS calls Latch makes (catalog sync,
identity lookups, CloudTrail activity, the standing-access reads of \`latch insights\`, and the
writes of each resource kind the policy file uses, and iam:UpdateAccessKey and iam:DeleteLoginProfile
when aws.apply_credential_changes lets admins apply those insights recommendations from Slack),
derived from the same list of operations the code calls. Notes go to stderr.

  --part latch   (default) for the role or user Latch runs as
  --part role    the permissions of aws.cross_account_role in each member account
  --part trust   that role's trust policy: Latch's account may assume it only with aws.external_id

options:
  --policy <file>    the policy file (default: LATCH_POLICY_FILE, else ./latch.policy.yml)
  --account <id>     the 12-digit account Latch runs in (holding IAM Identity Center), to pin ARNs
  --part <part>      latch, role or trust

exit codes: 0 printed, 1 the policy file is missing or invalid (or names no role to print), 2 bad usage`,
  options: { ...POLICY_OPTION, account: { type: 'string' }, part: { type: 'string' } },
  async run({ values }, io) {
    const accountId = values.account;
    if (typeof accountId === 'string' && !/^\d{12}$/.test(accountId)) {
      throw new UsageError(`--account must be a 12-digit AWS account id, not "${accountId}"`);
    }
    const part = typeof values.part === 'string' ? values.part : 'latch';
    if (!['latch', 'role', 'trust'].includes(part)) {
      throw new UsageError(`--part must be latch, role or trust, not "${part}"`);
    }
    const loaded = await loadPolicyFile(policyFileFrom(values, io.env));
    const region = io.env.AWS_REGION?.trim() || undefined;
    const { document, crossAccount, notes } = awsPolicy(loaded, {
      ...(typeof accountId === 'string' ? { accountId } : {}),
      ...(region ? { region } : {}),
    });
    if (part !== 'latch' && !crossAccount) {
      io.err(
        'latch aws-policy: the policy file names no aws.cross_account_role, so there is no role to print',
      );
      return EXIT_FAILED;
    }
    const printed =
      part === 'role' ? crossAccount?.permissions : part === 'trust' ? crossAccount?.trust : document;
    io.out(JSON.stringify(printed, null, 2));
    for (const note of notes) io.err(`note: ${note}`);
    if (part === 'latch' && crossAccount) {
      io.err(`note: member accounts need role ${crossAccount.roleName}: see --part role and --part trust`);
    }
    return EXIT_OK;
  },
};
