import type { PlainTextOption } from '@slack/types';
import { searchCatalog } from '../core/catalog.js';
import type { Policy, Resource } from '../core/model.js';
import { helpText } from './blocks/help.js';
import { resourcesText } from './blocks/my-access.js';
import { resourceOption } from './blocks/request-modal.js';
import type { AccessCommand } from './parse-access-command.js';

/** An ephemeral answer to a slash command, given in its ack. */
export interface CommandAnswer {
  response_type: 'ephemeral';
  text: string;
}

const MAX_OPTIONS = 100; // external_select limit (docs.slack.dev option objects)

/**
 * What `/access` answers in the ack itself, from the command and the policy alone (mistakes, help,
 * the catalog search); undefined when the answer comes after the ack.
 */
export function commandAnswer(parsed: AccessCommand, policy: Policy): CommandAnswer | undefined {
  switch (parsed.kind) {
    case 'usage_error':
      return { response_type: 'ephemeral', text: parsed.message };
    case 'help':
      return { response_type: 'ephemeral', text: helpText() };
    case 'resources':
      return {
        response_type: 'ephemeral',
        text: resourcesText(searchCatalog(policy, parsed.query), parsed.query),
      };
    default:
      return undefined;
  }
}

/** The resource picker's options for what was typed: only what can be requested and provisioned. */
export function resourceOptions(
  policy: Policy,
  typed: string,
  supports: (resource: Resource) => boolean,
): { options: PlainTextOption[] } {
  const matches = searchCatalog(policy, typed).filter(supports);
  return { options: matches.slice(0, MAX_OPTIONS).map(resourceOption) };
}
