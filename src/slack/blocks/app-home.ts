import type { HomeView, KnownBlock } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { AccessRequest, Grant, SyncRun } from '../../core/model.js';
import { UNCLASSIFIED_TIER } from '../../core/tiers.js';
import type { HomeData } from '../../core/use-cases/home-data.js';
import { CANCEL_ACTION, HOME_MORE_ACTION, RELEASE_ACTION, TIER_ACTION } from '../action-ids.js';
import { decisionButtons } from './decision-buttons.js';
import { insightsReadLine, recommendationRow, riskRow } from './insights-home.js';
import { escapeMrkdwn, MAX_VIEW_BLOCKS, mention, slackTime, userText } from './mrkdwn.js';

/** Rows per section before "Show more"; `expanded` lifts it, still inside Slack's 100-block cap. */
const ROWS = 5;
const EXPANDED_ROWS = 20;

type Section =
  | 'grants'
  | 'pending'
  | 'decide'
  | 'all-grants'
  | 'stuck'
  | 'drift'
  | 'risks'
  | 'recommendations'
  | 'rarely-used'
  | 'catalog'
  | 'audit';

/** Someone's App Home: their grants, requests and approvals; for admins, the whole picture. */
export function appHomeView(data: HomeData, expanded: ReadonlySet<string> = new Set()): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Your AWS access' } }];
  const limit = (section: Section) => (expanded.has(section) ? EXPANDED_ROWS : ROWS);
  const list = <T>(
    section: Section,
    title: string,
    items: T[],
    empty: string,
    row: (item: T) => KnownBlock | KnownBlock[],
  ) => {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${title}*${items.length ? '' : `\n${empty}`}` },
    });
    blocks.push(...items.slice(0, limit(section)).flatMap(row));
    if (items.length > limit(section)) {
      blocks.push({
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: `${HOME_MORE_ACTION}:${section}`,
            text: { type: 'plain_text', text: `Show more (${items.length - limit(section)})` },
            value: section,
          },
        ],
      });
    }
  };
  list('grants', 'Your grants', data.myGrants, 'None. `/access` to ask for some.', grantRow(true));
  list('pending', 'Your pending requests', data.myPending, 'None.', (r) =>
    requestRow(r, CANCEL_ACTION, 'Cancel'),
  );
  list('decide', 'Waiting for your decision', data.toDecide, 'Nothing to decide.', decideRow);
  if (data.admin) {
    const admin = data.admin;
    blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Admin' } });
    list('all-grants', 'All active grants', admin.activeGrants, 'None.', grantRow(false));
    list(
      'stuck',
      'Revocations that are failing',
      admin.stuckRevocations,
      'None: every revocation went through.',
      stuckRow,
    );
    list(
      'drift',
      'Drift: access in AWS that no grant explains',
      admin.drift,
      'None: AWS matches the grants.',
      (f) =>
        text(
          `*${userText(f.resourceId, 100)}* · \`${userText(f.principalId, 200)}\` · since ${slackTime(f.foundAt)}`,
        ),
    );
    const insights = admin.insights;
    list(
      'risks',
      'Riskiest standing access',
      insights?.principals ?? [],
      insights ? 'None scores above 0.' : 'Not read yet.',
      riskRow,
    );
    list(
      'recommendations',
      'Recommended changes',
      (insights?.recommendations ?? []).map((r, i) => ({ r, i })),
      insights ? 'None: nothing to change.' : 'Not read yet.',
      ({ r, i }) => recommendationRow(r, i),
    );
    blocks.push(context(insightsReadLine(insights?.readAt, insights?.failures ?? 0)));
    list(
      'rarely-used',
      'Granted but rarely used (30 days)',
      admin.rarelyUsed,
      'None: every ended grant showed activity in CloudTrail.',
      (u) =>
        text(
          `*${userText(u.resourceId, 100)}* · ${u.idle} of ${u.grants} ended grant${u.grants === 1 ? '' : 's'} showed no activity`,
        ),
    );
    list('catalog', 'Catalog', admin.catalog, 'No resources in the policy.', catalogRow(admin.tiers));
    blocks.push(context(lastSyncLine(admin.lastSync)));
    list('audit', 'Latest audit events', admin.recentAudit, 'None yet.', (e) =>
      context(
        `${slackTime(e.at)} · ${e.actor === 'latch' ? 'Latch' : mention(e.actor)} · \`${escapeMrkdwn(e.action)}\`${e.requestId ? ` · \`${e.requestId}\`` : ''}${e.grantId ? ` · \`${e.grantId}\`` : ''}`,
      ),
    );
  }
  return {
    type: 'home',
    private_metadata: JSON.stringify([...expanded]),
    blocks: blocks.slice(0, MAX_VIEW_BLOCKS),
  };
}

/** A resource with a tier selector; choosing a tier is the same audited change as `/access admin tier`. */
function catalogRow(tiers: readonly string[]) {
  const choices = [...tiers, UNCLASSIFIED_TIER];
  return (r: NonNullable<HomeData['admin']>['catalog'][number]): KnownBlock => {
    const option = (tier: string) => ({
      text: { type: 'plain_text' as const, text: tier.slice(0, 75) },
      value: tier,
    });
    return {
      type: 'section',
      block_id: `${TIER_ACTION}:${r.id}`,
      text: {
        type: 'mrkdwn',
        text: `\`${r.id}\` ${userText(r.name, 150)} · ${r.kind}${r.accountId ? ` · ${r.accountId}` : ''} · tier *${escapeMrkdwn(r.tier)}*`,
      },
      accessory: {
        type: 'static_select',
        action_id: TIER_ACTION,
        placeholder: { type: 'plain_text', text: 'Tier' },
        options: choices.map(option),
        ...(choices.includes(r.tier) ? { initial_option: option(r.tier) } : {}),
      },
    };
  };
}

function lastSyncLine(run: SyncRun | undefined): string {
  if (!run) return 'Catalog never synced from AWS yet: `/access admin sync` or `latch sync`.';
  const failures = run.failures.length
    ? ` · ⚠️ could not read ${run.failures.map((f) => (f.accountId ? `account ${f.accountId}` : f.step)).join(', ')}`
    : '';
  const missing = run.missing.length
    ? ` · not found in AWS: ${run.missing.map((id) => `\`${escapeMrkdwn(id)}\``).join(', ')}`
    : '';
  return `Last sync ${slackTime(run.finishedAt)}: ${run.resources} resources in ${run.accounts} accounts, ${run.unclassified} unclassified${failures}${missing}`;
}

function text(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

function context(mrkdwn: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn }] };
}

function grantRow(mine: boolean) {
  return (grant: Grant): KnownBlock => {
    const until = grant.expiresAt
      ? `until ${slackTime(grant.expiresAt)}`
      : `${grant.status}, ${formatDuration(grant.durationSeconds)}`;
    const who = mine ? '' : `${mention(grant.requesterId)} · `;
    const line = `${who}\`${grant.id}\` *${escapeMrkdwn(grant.resourceId)}* · ${until}`;
    if (!mine || grant.status !== 'active') return text(line);
    return {
      type: 'section',
      text: { type: 'mrkdwn', text: line },
      accessory: {
        type: 'button',
        action_id: RELEASE_ACTION,
        text: { type: 'plain_text', text: 'Release' },
        value: grant.id,
      },
    };
  };
}

function requestRow(request: AccessRequest, actionId: string, label: string): KnownBlock {
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `\`${request.id}\` *${escapeMrkdwn(request.resourceId)}* for ${formatDuration(request.durationSeconds)}`,
    },
    accessory: {
      type: 'button',
      action_id: actionId,
      text: { type: 'plain_text', text: label },
      value: request.id,
    },
  };
}

function decideRow(request: AccessRequest): KnownBlock[] {
  const ask = `${mention(request.requesterId)} asks for *${escapeMrkdwn(request.resourceId)}* for ${formatDuration(request.durationSeconds)} · \`${request.id}\`\n> ${userText(request.justification, 500)}`;
  return [text(ask), decisionButtons(request.id, `home-decide:${request.id}`)];
}

function stuckRow(grant: Grant): KnownBlock {
  return text(
    `${mention(grant.requesterId)} · \`${grant.id}\` *${escapeMrkdwn(grant.resourceId)}* · ${grant.attempts} attempts · ${userText(grant.lastError ?? '', 300)}`,
  );
}
