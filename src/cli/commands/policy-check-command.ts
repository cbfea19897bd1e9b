import { existsSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.js';
import { loadPolicyFile } from '../../config/load-policy-file.js';
import { type CliCommand, EXIT_OK } from '../cli-command.js';
import { describePolicy } from '../describe-policy.js';

export const policyCheckCommand: CliCommand = {
  name: 'policy check',
  usage: '<file>',
  positionals: { min: 1, max: 1 },
  summary: 'validate a policy file and show what it would do',
  help: `Checks the file exactly as \`latch start\` would, then prints each tier (steps, durations,
approval validity) and each resource with its tier and who approves each step. People appear
as the file names them; "fallback" marks a step that goes to approvers.fallback.

exit codes: 0 valid, 1 invalid (one line naming the key, e.g. resources[2].tier), 2 bad usage`,
  async run({ positionals }, io) {
    const file = positionals[0] ?? '';
    if (!existsSync(file)) throw new ConfigError(`${file} does not exist`);
    const loaded = await loadPolicyFile(file);
    io.out(`${file} is valid.\n`);
    for (const line of describePolicy(loaded)) io.out(line);
    return EXIT_OK;
  },
};
