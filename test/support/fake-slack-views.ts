import { randomBytes } from 'node:crypto';
import { checkView } from './fake-slack-rules.js';
import {
  APP_ID,
  type ApiResult,
  type Args,
  BOT_ID,
  type FakeSlackState,
  fail,
  failWith,
  type MethodHandler,
  str,
  TRIGGER_TTL_MS,
  type View,
} from './fake-slack-state.js';

function exchangeTrigger(state: FakeSlackState, triggerId: unknown): string | undefined {
  const id = str(triggerId);
  if (!id) return 'invalid_arguments';
  const t = state.triggers.get(id);
  if (!t) return 'invalid_trigger_id';
  if (t.used) return 'exchanged_trigger_id';
  if (Date.now() - t.issuedAt > TRIGGER_TTL_MS) return 'expired_trigger_id';
  t.used = true;
  return undefined;
}

/** Stores a view (replacing `previous`); undefined when its external_id is taken by another view. */
function saveView(state: FakeSlackState, view: View, previous?: View): View | undefined {
  const id = typeof previous?.id === 'string' ? previous.id : state.nextId('V');
  // Slack: external_id must be unique across all views of a team (duplicate_external_id).
  const ext = str(view.external_id);
  if (ext && [...state.views.values()].some((v) => v.id !== id && v.external_id === ext)) return undefined;
  const stored: View = {
    id,
    team_id: state.teamId,
    callback_id: '',
    private_metadata: '',
    external_id: '',
    state: { values: {} },
    clear_on_close: false,
    notify_on_close: false,
    ...view,
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    root_view_id: previous?.root_view_id ?? id,
    previous_view_id: null,
    app_id: APP_ID,
    bot_id: BOT_ID,
  };
  state.views.set(id, stored);
  return stored;
}

function openView(state: FakeSlackState, args: Args): ApiResult {
  const rule = checkView(args.view, 'modal');
  if (rule) return failWith(rule);
  const triggerError = exchangeTrigger(state, args.trigger_id);
  if (triggerError) return fail(triggerError);
  const view = saveView(state, args.view as View);
  return view ? { ok: true, view } : fail('duplicate_external_id');
}

function findView(state: FakeSlackState, args: Args): View | undefined {
  const id = str(args.view_id);
  if (id) return state.views.get(id);
  const ext = str(args.external_id);
  return ext ? [...state.views.values()].find((v) => v.external_id === ext) : undefined;
}

export const VIEW_METHODS: Record<string, MethodHandler> = {
  'views.open': openView,
  'views.push': openView,
  'views.update': (state, args) => {
    if (!str(args.view_id) && !str(args.external_id)) return fail('invalid_arguments');
    const previous = findView(state, args);
    if (!previous) return fail('not_found');
    if (str(args.hash) && args.hash !== previous.hash) return fail('hash_conflict');
    const rule = checkView(args.view, 'any');
    if (rule) return failWith(rule);
    const view = saveView(state, args.view as View, previous);
    return view ? { ok: true, view } : fail('duplicate_external_id');
  },
  'views.publish': (state, args) => {
    const user = str(args.user_id);
    if (!user) return fail('invalid_arguments');
    const rule = checkView(args.view, 'home');
    if (rule) return failWith(rule);
    const previousId = state.homeViewIds.get(user);
    const previous = previousId ? state.views.get(previousId) : undefined;
    if (previous && str(args.hash) && args.hash !== previous.hash) return fail('hash_conflict');
    const view = saveView(state, args.view as View, previous);
    if (!view) return fail('duplicate_external_id');
    state.homeViewIds.set(user, view.id as string);
    return { ok: true, view };
  },
};
