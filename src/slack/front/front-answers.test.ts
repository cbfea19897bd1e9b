import { describe, expect, it } from 'vitest';
import type { Policy, Resource } from '../../core/model.js';
import { RESOURCE_INPUT } from '../action-ids.js';
import { helpText } from '../blocks/help.js';
import { frontDecision } from './front-answers.js';
import type { FrontView } from './front-messages.js';

const resource = (id: string, name: string, tier = 'low'): Resource => ({
  id,
  name,
  kind: 'sso_group',
  tier,
  owners: [],
  enforce: false,
});

const policy = {
  admins: [],
  requestTtlSeconds: 3600,
  remindAfterSeconds: 600,
  escalateAfterSeconds: 1800,
  tiers: { low: { name: 'low' } },
  approvers: { managers: {}, groups: {}, fallback: [] },
  resources: [
    resource('oncall', 'On-call responders'),
    resource('oncall-legacy', 'On-call (legacy, no group id)'),
    resource('oncall-unclassified', 'On-call unclassified', 'nosuchtier'),
    resource('billing', 'Billing read-only'),
  ],
} as unknown as Policy;

const view: FrontView = {
  policy,
  supported: new Set(['oncall', 'oncall-unclassified', 'billing']),
  workspace: { teamId: 'T1', isEnterpriseInstall: false },
};
const NOW = Date.UTC(2026, 11, 7, 12);
const ownTeam = { teamId: 'T1', slackRequestTimestamp: String(NOW / 1000) };
const command = (text: string) => ({ command: '/access', text });

describe('frontDecision', () => {
  it('acknowledges a click with an empty answer', () => {
    expect(frontDecision({ type: 'block_actions' }, ownTeam, view, NOW)).toEqual({ kind: 'answer' });
  });

  it('answers the resource picker with the classified resources Latch can grant that match', () => {
    const decision = frontDecision(
      { type: 'block_suggestion', action_id: RESOURCE_INPUT, value: 'ONCALL' },
      ownTeam,
      view,
      NOW,
    );
    expect(decision).toEqual({
      kind: 'answer',
      response: {
        options: [{ text: { type: 'plain_text', text: 'On-call responders · low' }, value: 'oncall' }],
      },
    });
  });

  it('answers help, mistakes and the catalog search in the ack, as the listener does', () => {
    expect(frontDecision(command('help'), ownTeam, view, NOW)).toEqual({
      kind: 'answer',
      response: { response_type: 'ephemeral', text: helpText() },
    });
    const mistake = frontDecision(command('list everything'), ownTeam, view, NOW);
    expect(mistake).toMatchObject({
      kind: 'answer',
      response: { text: expect.stringContaining('`list` takes no arguments') },
    });
    const search = frontDecision(command('resources bill'), ownTeam, view, NOW);
    expect(search).toMatchObject({
      kind: 'answer',
      response: { text: expect.stringContaining('`billing`') },
    });
  });

  it('acknowledges with an empty answer a command whose answer comes later', () => {
    expect(frontDecision(command('request oncall 1h fixing the pager'), ownTeam, view, NOW)).toEqual({
      kind: 'answer',
    });
    expect(frontDecision(command(''), ownTeam, view, NOW)).toEqual({ kind: 'answer' });
  });

  it('asks the main thread about form submissions, other commands and other pickers', () => {
    expect(frontDecision({ type: 'view_submission' }, ownTeam, view, NOW)).toEqual({ kind: 'ask_main' });
    expect(frontDecision({ command: '/other', text: 'help' }, ownTeam, view, NOW)).toEqual({
      kind: 'ask_main',
    });
    expect(frontDecision({ type: 'block_suggestion', action_id: 'elsewhere' }, ownTeam, view, NOW)).toEqual({
      kind: 'ask_main',
    });
  });

  it('leaves to the main thread what it refuses and audits: another workspace, a future timestamp', () => {
    expect(frontDecision(command('help'), { teamId: 'T2' }, view, NOW)).toEqual({ kind: 'ask_main' });
    const ahead = { teamId: 'T1', slackRequestTimestamp: String(NOW / 1000 + 301) };
    expect(frontDecision({ type: 'block_actions' }, ahead, view, NOW)).toEqual({ kind: 'ask_main' });
    const within = { teamId: 'T1', slackRequestTimestamp: String(NOW / 1000 + 300) };
    expect(frontDecision({ type: 'block_actions' }, within, view, NOW)).toEqual({ kind: 'answer' });
  });

  it('asks the main thread while it does not know its own workspace', () => {
    const { workspace: _unknown, ...early } = view;
    expect(frontDecision(command('help'), ownTeam, early, NOW)).toEqual({ kind: 'ask_main' });
    expect(frontDecision(command('help'), ownTeam, undefined, NOW)).toEqual({ kind: 'ask_main' });
  });

  it('serves an Enterprise Grid org-wide install by the org, not the team', () => {
    const org: FrontView = { ...view, workspace: { enterpriseId: 'E1', isEnterpriseInstall: true } };
    expect(frontDecision({ type: 'block_actions' }, { teamId: 'T9', enterpriseId: 'E1' }, org, NOW)).toEqual({
      kind: 'answer',
    });
    expect(frontDecision({ type: 'block_actions' }, { teamId: 'T1', enterpriseId: 'E2' }, org, NOW)).toEqual({
      kind: 'ask_main',
    });
  });
});
