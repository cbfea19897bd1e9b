import { type CliCommand, EXIT_FAILED, EXIT_OK } from '../cli-command.js';
import { type CheckResult, checkLine, doctorSummary, skip } from '../doctor-check.js';
import { POLICY_OPTION, policyFileFrom } from '../policy-file-option.js';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check settings, policy, database, Slack and AWS, one line each',
  help: `Runs every check with the settings \`latch start\` would use and prints one line each:
"ok", what to fix, a warning, or why it was skipped. Nothing is changed anywhere: the embedded
database is read from a copy, and the AWS check looks up a user name nobody has.

checks: settings; policy file; database reachable and migrated; Slack token (auth.test) and
its scopes against manifest.yml; signing secret (HTTP) or app token (Socket Mode); AWS
identity (sts GetCallerIdentity); the policy's identity store (identitystore GetUserId);
Identity Center (sso ListInstances); and in every member account of the organization (or named
by an iam_group resource), AssumeRole into aws.cross_account_role with aws.external_id and an
IAM ListGroups through it, one line per account that fails.

options:
  --policy <file>    the policy file (default: LATCH_POLICY_FILE, else ./latch.policy.yml)

exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 bad usage`,
  options: { ...POLICY_OPTION },
  async run({ values }, io) {
    const [
      { createAwsClients, destroyAwsClients },
      { checkAwsIdentity, checkCrossAccountRoles, checkIdentityCenter, checkIdentityStore },
      { checkDatabase, checkPolicy, checkSettings },
      { checkSlackMode, checkSlackToken },
    ] = await Promise.all([
      import('../../aws/clients.js'),
      import('../doctor-aws-checks.js'),
      import('../doctor-local-checks.js'),
      import('../doctor-slack-checks.js'),
    ]);
    const results: CheckResult[] = [];
    const report = (result: CheckResult) => {
      results.push(result);
      io.out(checkLine(result));
    };
    report(checkSettings(io.env));
    const { result: policyResult, loaded } = await checkPolicy(policyFileFrom(values, io.env));
    report(policyResult);
    report(await checkDatabase(io.env));
    for (const result of await checkSlackToken(io.env)) report(result);
    report(checkSlackMode(io.env));
    const clients = createAwsClients(loaded?.aws?.region ? { region: loaded.aws.region } : {});
    try {
      const identity = await checkAwsIdentity(clients);
      report(identity);
      if (identity.status === 'fail') {
        for (const check of ['identity store', 'identity center', 'cross-account roles']) {
          report(skip(check, 'AWS credentials did not work'));
        }
      } else {
        report(await checkIdentityStore(clients, loaded));
        report(await checkIdentityCenter(clients, loaded));
        for (const result of await checkCrossAccountRoles(clients, loaded)) report(result);
      }
    } finally {
      destroyAwsClients(clients);
    }
    io.out(doctorSummary(results));
    return results.some((result) => result.status === 'fail') ? EXIT_FAILED : EXIT_OK;
  },
};
