import { checkMessage } from './fake-slack-rules.js';
import {
  APP_ID,
  type Args,
  BOT_ID,
  BOT_USER_ID,
  dmChannelOf,
  type FakeSlackState,
  fail,
  failWith,
  type MessageRecord,
  type MethodHandler,
  pickContent,
  type SlackUserFixture,
  str,
} from './fake-slack-state.js';
import { VIEW_METHODS } from './fake-slack-views.js';

function userObject(state: FakeSlackState, u: SlackUserFixture): Args {
  const realName = u.realName ?? u.name ?? u.id;
  const profile: Args = { real_name: realName, display_name: u.name ?? '', team: u.teamId ?? state.teamId };
  if (u.email !== undefined) profile.email = u.email;
  return {
    id: u.id,
    team_id: u.teamId ?? state.teamId,
    name: u.name ?? u.id.toLowerCase(),
    deleted: u.deleted ?? false,
    real_name: realName,
    tz: 'UTC',
    tz_label: 'Coordinated Universal Time',
    tz_offset: 0,
    is_bot: u.id === BOT_USER_ID,
    is_app_user: false,
    is_email_confirmed: u.isEmailConfirmed ?? u.email !== undefined,
    profile,
  };
}

/** Where chat.postMessage with `channel` lands, or the Slack error for it. */
function resolveTarget(state: FakeSlackState, channel: unknown): { id: string } | { error: string } {
  const id = str(channel);
  if (!id) return { error: 'channel_not_found' };
  if (/^[UW]/.test(id)) return state.users.has(id) ? { id: dmChannelOf(id) } : { error: 'channel_not_found' };
  if (id.startsWith('D')) return state.users.has(id.slice(1)) ? { id } : { error: 'channel_not_found' };
  const c = state.channels.get(id);
  if (!c) return { error: 'channel_not_found' };
  if (c.isArchived) return { error: 'is_archived' };
  return c.isMember ? { id } : { error: 'not_in_channel' };
}

function messageJson(state: FakeSlackState, m: MessageRecord): Args {
  const bot = m.author === BOT_USER_ID ? { bot_id: BOT_ID, app_id: APP_ID } : {};
  return {
    type: 'message',
    user: m.author,
    ts: m.ts,
    team: state.teamId,
    text: m.text ?? '',
    blocks: m.blocks,
    ...bot,
  };
}

export const METHODS: Record<string, MethodHandler> = {
  'auth.test': (state) => ({
    ok: true,
    url: `${state.url}/`,
    team: 'Test',
    user: 'latch',
    team_id: state.teamId,
    user_id: BOT_USER_ID,
    bot_id: BOT_ID,
    is_enterprise_install: false,
  }),
  'users.info': (state, args) => {
    const u = state.users.get(String(args.user ?? ''));
    return u ? { ok: true, user: userObject(state, u) } : fail('user_not_found');
  },
  'users.lookupByEmail': (state, args) => {
    const email = String(args.email ?? '').toLowerCase();
    const u = [...state.users.values()].find((x) => email && x.email?.toLowerCase() === email);
    return u ? { ok: true, user: userObject(state, u) } : fail('users_not_found');
  },
  'conversations.open': (state, args) => {
    const existing = str(args.channel);
    if (existing)
      return state.users.has(existing.slice(1))
        ? { ok: true, channel: { id: existing } }
        : fail('channel_not_found');
    const users = String(args.users ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (!users.length) return fail('users_list_not_supplied');
    if (users.some((u) => !state.users.has(u))) return fail('user_not_found');
    if (users.length === 1) {
      const only = users[0] as string;
      return {
        ok: true,
        channel: { id: dmChannelOf(only), ...(args.return_im ? { is_im: true, user: only } : {}) },
      };
    }
    const id = `G${[...users].sort().join('')}`;
    state.channels.set(id, { isMember: true, isArchived: false });
    return { ok: true, channel: { id } };
  },
  'conversations.join': (state, args) => {
    const id = String(args.channel ?? '');
    const c = state.channels.get(id);
    if (/^[DG]/.test(id)) return fail('method_not_supported_for_channel_type');
    if (!c) return fail('channel_not_found');
    if (c.isArchived) return fail('is_archived');
    c.isMember = true;
    return { ok: true, channel: { id, is_channel: true, is_member: true, is_archived: false } };
  },
  'chat.postMessage': (state, args) => {
    const target = resolveTarget(state, args.channel);
    if ('error' in target) return fail(target.error);
    const rule = checkMessage(args);
    if (rule) return failWith(rule);
    // A reply must name a message in the same conversation (Slack: thread_not_found).
    const threadTs = str(args.thread_ts);
    if (threadTs && !state.channelMessages(target.id).some((m) => m.ts === threadTs))
      return fail('thread_not_found');
    const m = state.store(target.id, BOT_USER_ID, args);
    return { ok: true, channel: target.id, ts: m.ts, message: messageJson(state, m) };
  },
  'chat.update': (state, args) => {
    // chat.update needs the conversation id chat.postMessage returned; a user id is channel_not_found.
    const channel = String(args.channel ?? '');
    if (/^[UW]/.test(channel)) return fail('channel_not_found');
    const target = resolveTarget(state, channel);
    if ('error' in target && target.error === 'channel_not_found') return fail(target.error);
    const m = state.messages.get(channel)?.find((x) => x.ts === args.ts);
    if (!m) return fail('message_not_found');
    if (m.author !== BOT_USER_ID) return fail('cant_update_message');
    const rule = checkMessage(args);
    if (rule) return failWith(rule);
    const content = pickContent(args);
    // Slack keeps the message's previous blocks when an update omits `blocks` (send [] to remove them).
    if (content.text !== undefined) m.text = content.text;
    if (content.blocks) m.blocks = content.blocks;
    m.updatedAt = Date.now();
    return { ok: true, channel, ts: m.ts, text: m.text ?? '', message: messageJson(state, m) };
  },
  'chat.postEphemeral': (state, args) => {
    const target = resolveTarget(state, args.channel);
    if ('error' in target) return fail(target.error);
    const user = str(args.user);
    if (!user || !state.users.has(user)) return fail('user_not_found');
    const rule = checkMessage(args);
    if (rule) return failWith(rule);
    const m: MessageRecord = {
      channel: target.id,
      ts: state.nextTs(),
      user,
      author: BOT_USER_ID,
      ...pickContent(args),
    };
    state.ephemerals.push(m);
    return { ok: true, message_ts: m.ts };
  },
  ...VIEW_METHODS,
};
