import type { KnownBlock } from '@slack/types';
import type { RecommendationLine } from '../../insights/insights-view.js';
import { APPLY_INSIGHT_ACTION } from '../action-ids.js';
import { riskLineText } from './insights-text.js';
import { slackTime, truncate, userText } from './mrkdwn.js';

/** Slack's limits (PLATFORM.md): a button's value, a confirm dialog's text. */
const MAX_BUTTON_VALUE = 2000;
const MAX_CONFIRM_TEXT = 300;

/** When the App Home's insights were read, and what could not be. */
export function insightsReadLine(readAt: Date | undefined, failures: number): string {
  if (!readAt)
    return 'Standing access not read yet: it is read after each scheduled catalog sync, or `latch insights --refresh`.';
  return `Standing access read ${slackTime(readAt)}${failures ? ` · ⚠️ ${failures} part(s) could not be read` : ''} · \`/access admin insights [account]\` for one account`;
}

export function riskRow(line: Parameters<typeof riskLineText>[0]): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(riskLineText(line), 3000) } };
}

/**
 * A recommendation; with an `Apply` button (its value the recommendation's id only) where Latch has
 * the permission, else the reason it has none. Applying asks for a confirmation first.
 */
export function recommendationRow(r: RecommendationLine, index: number): KnownBlock {
  const title = userText(r.title, 2500);
  const why = r.canApply
    ? ''
    : r.action
      ? `\n_Latch lacks \`${r.action}\`: not applied from Slack_`
      : '\n_Set in the policy file, not in AWS_';
  const row: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: `*${r.risk}* · ${title}${why}` } };
  if (!r.canApply || r.id.length > MAX_BUTTON_VALUE) return row;
  return {
    ...row,
    accessory: {
      type: 'button',
      action_id: `${APPLY_INSIGHT_ACTION}:${index}`,
      text: { type: 'plain_text', text: 'Apply' },
      value: r.id,
      confirm: {
        title: { type: 'plain_text', text: 'Change this in AWS?' },
        text: { type: 'plain_text', text: truncate(r.title, MAX_CONFIRM_TEXT) },
        confirm: { type: 'plain_text', text: 'Apply' },
        deny: { type: 'plain_text', text: 'Cancel' },
      },
    },
  };
}
