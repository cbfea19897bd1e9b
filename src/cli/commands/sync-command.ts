import { type CliCommand, EXIT_USAGE } from '../cli-command.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'sync the resource catalog from AWS (not available yet)',
  help: `Catalog sync arrives with the AWS adapter layer. Until then the catalog is
exactly the resources in the policy file, loaded at start.

exit codes: 2 always, so scripts do not mistake it for a sync that ran`,
  async run(_args, io) {
    io.err('latch sync: catalog sync arrives with the AWS adapter layer (issue 3)');
    return EXIT_USAGE;
  },
};
