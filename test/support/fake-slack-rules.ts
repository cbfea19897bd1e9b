/** Block Kit and view limits the fake enforces, with the error codes and messages real Slack answers. */

export interface RuleFailure {
  error: string;
  messages: string[];
}

type Json = Record<string, unknown>;

export const MAX_MESSAGE_TEXT = 40_000;
export const MAX_MESSAGE_BLOCKS = 50;
export const MAX_VIEW_BLOCKS = 100;
// Slack: "view_too_large: Views cannot exceed 250kb"; measured on the serialized JSON.
export const MAX_VIEW_BYTES = 250_000;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Slack reports each problem as `[ERROR] <what> [json-pointer:<where>]` in response_metadata.messages. */
const problem = (what: string, pointer: string) => `[ERROR] ${what} [json-pointer:${pointer}]`;

function textOf(v: unknown): string | undefined {
  return isObject(v) && typeof v.text === 'string' ? v.text : undefined;
}

function tooLong(problems: string[], v: unknown, max: number, pointer: string): void {
  const text = typeof v === 'string' ? v : textOf(v);
  if (text !== undefined && text.length > max)
    problems.push(problem(`must be less than ${max + 1} characters`, pointer));
}

function checkElement(el: unknown, at: string, problems: string[], actionIds: Set<string>): void {
  if (!isObject(el) || typeof el.type !== 'string') {
    problems.push(problem('missing required field: type', at));
    return;
  }
  if (typeof el.action_id === 'string') {
    tooLong(problems, el.action_id, 255, `${at}/action_id`);
    if (actionIds.has(el.action_id)) problems.push(problem('duplicate action_id', `${at}/action_id`));
    actionIds.add(el.action_id);
  }
  if (el.type === 'button') {
    if (textOf(el.text) === undefined) problems.push(problem('missing required field: text', at));
    tooLong(problems, el.text, 75, `${at}/text/text`);
    tooLong(problems, el.value, 2000, `${at}/value`);
  }
}

function checkBlock(block: unknown, at: string, problems: string[], blockIds: Set<string>): void {
  if (!isObject(block) || typeof block.type !== 'string') {
    problems.push(problem('missing required field: type', at));
    return;
  }
  if (typeof block.block_id === 'string') {
    tooLong(problems, block.block_id, 255, `${at}/block_id`);
    if (blockIds.has(block.block_id)) problems.push(problem('duplicate block_id', `${at}/block_id`));
    blockIds.add(block.block_id);
  }
  const elements = Array.isArray(block.elements) ? block.elements : [];
  const actionIds = new Set<string>();
  switch (block.type) {
    case 'section': {
      const fields = Array.isArray(block.fields) ? block.fields : undefined;
      if (block.text === undefined && fields === undefined) {
        problems.push(problem('must provide either text or fields', at));
      }
      tooLong(problems, block.text, 3000, `${at}/text/text`);
      if (fields && fields.length > 10)
        problems.push(problem('no more than 10 items allowed', `${at}/fields`));
      fields?.forEach((f, i) => {
        tooLong(problems, f, 2000, `${at}/fields/${i}/text`);
      });
      if (block.accessory !== undefined)
        checkElement(block.accessory, `${at}/accessory`, problems, actionIds);
      break;
    }
    case 'header':
      tooLong(problems, block.text, 150, `${at}/text/text`);
      break;
    case 'context':
      if (elements.length > 10) problems.push(problem('no more than 10 items allowed', `${at}/elements`));
      break;
    case 'actions':
      if (elements.length > 25) problems.push(problem('no more than 25 items allowed', `${at}/elements`));
      elements.forEach((el, i) => {
        checkElement(el, `${at}/elements/${i}`, problems, actionIds);
      });
      break;
    case 'input':
      if (textOf(block.label) === undefined) problems.push(problem('missing required field: label', at));
      tooLong(problems, block.label, 2000, `${at}/label/text`);
      if (block.element === undefined) problems.push(problem('missing required field: element', at));
      else checkElement(block.element, `${at}/element`, problems, actionIds);
      break;
  }
}

/**
 * Validates a `blocks` argument. A string here means the form field was not valid JSON, which Slack
 * answers with `invalid_blocks_format`; structural problems are `invalid_blocks` (messages) or
 * `invalid_arguments` (views).
 */
export function checkBlocks(
  blocks: unknown,
  max: number,
  pointer: string,
  code: string,
): RuleFailure | undefined {
  if (!Array.isArray(blocks)) {
    return { error: code === 'invalid_blocks' ? 'invalid_blocks_format' : code, messages: [] };
  }
  const problems: string[] = [];
  if (blocks.length > max) problems.push(problem(`no more than ${max} items allowed`, pointer));
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    checkBlock(b, `${pointer}/${i}`, problems, blockIds);
  });
  return problems.length ? { error: code, messages: problems } : undefined;
}

/** Validates a message's text/blocks the way chat.postMessage, chat.update and chat.postEphemeral do. */
export function checkMessage(args: Json, requireContent = true): RuleFailure | undefined {
  const text = args.text;
  const hasText = typeof text === 'string' && text.length > 0;
  if (args.blocks === undefined) {
    if (requireContent && !hasText && args.attachments === undefined)
      return { error: 'no_text', messages: [] };
  } else {
    const failure = checkBlocks(args.blocks, MAX_MESSAGE_BLOCKS, '/blocks', 'invalid_blocks');
    if (failure) return failure;
  }
  if (typeof text === 'string' && text.length > MAX_MESSAGE_TEXT)
    return { error: 'msg_too_long', messages: [] };
  return undefined;
}

/** Validates a view for views.open/push/update (modal) or views.publish (home). */
export function checkView(view: unknown, expectedType: 'modal' | 'home' | 'any'): RuleFailure | undefined {
  const fail = (messages: string[]): RuleFailure => ({ error: 'invalid_arguments', messages });
  if (!isObject(view)) return fail([problem('must be an object', '/view')]);
  if (Buffer.byteLength(JSON.stringify(view)) > MAX_VIEW_BYTES)
    return { error: 'view_too_large', messages: [] };
  const type = view.type;
  if (type !== 'modal' && type !== 'home') return fail([problem('missing required field: type', '/view')]);
  if (expectedType !== 'any' && type !== expectedType) {
    return fail([problem(`must be ${expectedType}`, '/view/type')]);
  }
  const problems: string[] = [];
  if (type === 'modal') {
    if (textOf(view.title) === undefined) problems.push(problem('missing required field: title', '/view'));
    for (const key of ['title', 'submit', 'close'] as const)
      tooLong(problems, view[key], 24, `/view/${key}/text`);
    const blocks = Array.isArray(view.blocks) ? view.blocks : [];
    if (view.submit === undefined && blocks.some((b) => isObject(b) && b.type === 'input')) {
      problems.push(problem('must provide a submit property when using input blocks', '/view'));
    }
  }
  tooLong(problems, view.private_metadata, 3000, '/view/private_metadata');
  tooLong(problems, view.callback_id, 255, '/view/callback_id');
  if (view.blocks === undefined) problems.push(problem('missing required field: blocks', '/view'));
  else if (!Array.isArray(view.blocks)) problems.push(problem('must be an array', '/view/blocks'));
  else
    problems.push(
      ...(checkBlocks(view.blocks, MAX_VIEW_BLOCKS, '/view/blocks', 'invalid_arguments')?.messages ?? []),
    );
  return problems.length ? fail(problems) : undefined;
}
