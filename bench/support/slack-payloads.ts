import { APPROVE_ACTION, REQUEST_MODAL, RESOURCE_BLOCK, RESOURCE_INPUT } from '../../src/slack/action-ids.js';
import type { FakeSlackServer } from '../../test/support/fake-slack-server.js';
import { APP_ID, dmChannelOf } from '../../test/support/fake-slack-state.js';

/** One request as Slack would POST it to /slack/events, before signing. */
export interface SlackBody {
  kind: 'command' | 'click' | 'options';
  body: string;
  contentType: string;
}

const FORM = 'application/x-www-form-urlencoded';
const TOKEN = 'fakeVerificationToken';

/** Payloads with live response URLs and trigger ids from the local Slack, as Slack sends them. */
export function slackBodies(slack: FakeSlackServer) {
  const team = { id: slack.teamId, domain: 'bench' };
  const user = (id: string) => ({
    id,
    username: id.toLowerCase(),
    name: id.toLowerCase(),
    team_id: slack.teamId,
  });
  const interaction = (kind: SlackBody['kind'], payload: unknown): SlackBody => ({
    kind,
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: FORM,
  });

  return {
    command(userId: string, text: string): SlackBody {
      const channel = dmChannelOf(userId);
      const form = new URLSearchParams({
        token: TOKEN,
        team_id: slack.teamId,
        team_domain: team.domain,
        channel_id: channel,
        channel_name: 'directmessage',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command: '/access',
        text,
        api_app_id: APP_ID,
        is_enterprise_install: 'false',
        response_url: slack.newResponseUrl({ channel, userId }),
        trigger_id: slack.newTriggerId(),
      });
      return { kind: 'command', body: form.toString(), contentType: FORM };
    },

    /** `Approve` on an approval card in the approver's DM; the button carries the request id. */
    approveClick(approverId: string, requestId: string): SlackBody {
      const channel = dmChannelOf(approverId);
      const ts = `${Math.floor(Date.now() / 1000)}.000100`;
      return interaction('click', {
        type: 'block_actions',
        user: user(approverId),
        api_app_id: APP_ID,
        token: TOKEN,
        team,
        container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
        trigger_id: slack.newTriggerId(),
        channel: { id: channel, name: 'directmessage' },
        message: { type: 'message', ts, text: `Request ${requestId}`, blocks: [] },
        response_url: slack.newResponseUrl({ channel, userId: approverId, messageTs: ts }),
        state: { values: {} },
        actions: [
          {
            type: 'button',
            action_id: APPROVE_ACTION,
            block_id: `decide:${requestId}`,
            text: { type: 'plain_text', text: 'Approve', emoji: true },
            value: requestId,
            action_ts: (Date.now() / 1000).toFixed(6),
          },
        ],
      });
    },

    /** What Slack sends as someone types in the request form's resource picker. */
    resourceSearch(userId: string, query: string): SlackBody {
      return interaction('options', {
        type: 'block_suggestion',
        user: user(userId),
        team,
        api_app_id: APP_ID,
        token: TOKEN,
        container: { type: 'view', view_id: 'V0BENCH' },
        view: { id: 'V0BENCH', type: 'modal', callback_id: REQUEST_MODAL },
        block_id: RESOURCE_BLOCK,
        action_id: RESOURCE_INPUT,
        value: query,
      });
    },
  };
}
