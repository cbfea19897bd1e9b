import { loadPolicyFile } from '../../config/load-policy-file.js';
import { awsPolicy } from '../aws-policy.js';
import { type CliCommand, EXIT_OK, UsageError } from '../cli-command.js';
import { POLICY_OPTION, policyFileFrom } from '../policy-file-option.js';

export const awsPolicyCommand: CliCommand = {
  name: 'aws-policy',
  summary: 'print the least-privilege IAM policy Latch needs, as JSON',
  help: `Prints an IAM policy document covering exactly the AWS calls Latch makes for the resources
in the policy file, scoped to its identity store. Attach it to the role or user Latch runs as.
Notes (wildcards used for want of a value, kinds not covered yet) go to stderr.

options:
  --policy <file>    the policy file (default: LATCH_POLICY_FILE, else ./latch.policy.yml)
  --account <id>     the 12-digit account that holds IAM Identity Center, to pin the store's ARN

exit codes: 0 printed, 1 the policy file is missing or invalid, 2 bad usage`,
  options: { ...POLICY_OPTION, account: { type: 'string' } },
  async run({ values }, io) {
    const accountId = values.account;
    if (typeof accountId === 'string' && !/^\d{12}$/.test(accountId)) {
      throw new UsageError(`--account must be a 12-digit AWS account id, not "${accountId}"`);
    }
    const loaded = await loadPolicyFile(policyFileFrom(values, io.env));
    const region = io.env.AWS_REGION?.trim() || undefined;
    const { document, notes } = awsPolicy(loaded, {
      ...(typeof accountId === 'string' ? { accountId } : {}),
      ...(region ? { region } : {}),
    });
    io.out(JSON.stringify(document, null, 2));
    for (const note of notes) io.err(`note: ${note}`);
    return EXIT_OK;
  },
};
