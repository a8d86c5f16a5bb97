import { createHash } from 'node:crypto';
import type { Actor, ChatEvent, Form, Place } from '../../src/ports/index.js';
import { FORM_ACTION_ID, FORM_BLOCK_ID } from './render.js';

/**
 * Raw Slack payloads (Events API envelopes, slash command forms, interaction payloads) are
 * first normalised to `Inbound`, which still names the actor by id only; index.ts looks the
 * actor up (users.info, cached) and `toChatEvent` finishes the neutral event.
 */
export type Inbound =
  | {
      type: 'command';
      id: string;
      team: string;
      user: string;
      channel: string;
      name: 'ask' | 'feelers';
      text: string;
      direct: boolean;
      channelName?: string | undefined;
    }
  | {
      type: 'message';
      id: string;
      team: string;
      user: string;
      botId?: string | undefined;
      channel: string;
      thread?: string | undefined;
      ts: string;
      text: string;
      direct: boolean;
      mention: boolean;
      threadByBot?: boolean | undefined;
    }
  | { type: 'edited'; id: string; team: string; user: string; channel: string; thread?: string | undefined; ts: string; text: string }
  | { type: 'deleted'; id: string; team: string; user: string; channel: string; thread?: string | undefined; ts: string }
  | (Interaction & { type: 'press'; triggerId?: string | undefined; form?: Form | undefined })
  | (Interaction & { type: 'submit'; text?: string | undefined; person?: string | undefined });

/** What a button press and a form submission share: who, where, and which button. */
interface Interaction {
  id: string;
  team: string;
  user: string;
  channel?: string | undefined;
  thread?: string | undefined;
  actionId: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(o: unknown, key: string): Obj | undefined {
  if (!isObj(o)) return undefined;
  const v = o[key];
  return isObj(v) ? v : undefined;
}
function str(o: unknown, key: string): string | undefined {
  if (!isObj(o)) return undefined;
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Interactions carry no event id and are not retried; a digest of their stable fields is. */
function digest(...parts: (string | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 24);
}

/** Slack's message markup (`<@U1|jane>`, `<#C1|general>`, `<url|label>`, entities) as plain text. */
export function plainText(text: string, botUserId?: string): string {
  let t = text;
  if (botUserId) t = t.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), '');
  t = t
    .replace(/<@([A-Z0-9]+)\|([^>]+)>/g, '@$2')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#([A-Z0-9]+)\|([^>]*)>/g, (_m, id: string, name: string) => `#${name || id}`)
    .replace(/<!subteam\^[A-Z0-9]+\|([^>]+)>/g, '$1')
    .replace(/<!subteam\^([A-Z0-9]+)>/g, '@$1')
    .replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(mailto:|tel:)?([^|>]+)(\|[^>]*)?>/g, '$2');
  return t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

function commandName(command: string | undefined): 'ask' | 'feelers' | undefined {
  if (command === '/ask') return 'ask';
  if (command === '/feelers') return 'feelers';
  return undefined;
}

/** A slash command: a form body (command, text, team_id, channel_id, user_id, trigger_id). */
function fromCommand(body: Obj): Inbound | undefined {
  const name = commandName(str(body, 'command'));
  const team = str(body, 'team_id');
  const user = str(body, 'user_id');
  const channel = str(body, 'channel_id');
  if (!name || !team || !user || !channel) return undefined;
  const id = `slack:${team}:cmd:${digest(user, channel, str(body, 'trigger_id'), str(body, 'text'))}`;
  // In a DM Slack names the channel `directmessage` and its id starts with D; the engine
  // refuses `/feelers connect` there, since a DM is not a ground anyone else can read.
  const direct = str(body, 'channel_name') === 'directmessage' || channel.startsWith('D');
  // Private channels may come as the legacy `privategroup`, group DMs as `mpdm-...`: no name to show.
  const given = str(body, 'channel_name');
  const channelName = direct || !given || given === 'privategroup' || given.startsWith('mpdm-') ? undefined : given;
  return { type: 'command', id, team, user, channel, name, text: (str(body, 'text') ?? '').trim(), direct, channelName };
}

/** Message subtypes that are people writing; the rest (joins, topics, pins) are not messages. */
const WRITTEN = new Set([undefined, 'thread_broadcast', 'file_share', 'bot_message', 'me_message']);

function fromEnvelope(body: Obj, botUserId: string | undefined): Inbound | undefined {
  const ev = obj(body, 'event');
  const team = str(body, 'team_id');
  if (!ev || !team) return undefined;
  const type = str(ev, 'type');
  const channel = str(ev, 'channel');
  const subtype = str(ev, 'subtype');
  if (!channel || (type !== 'message' && type !== 'app_mention')) return undefined;
  if (subtype === 'message_changed') {
    const msg = obj(ev, 'message');
    const prev = obj(ev, 'previous_message');
    const ts = str(msg, 'ts');
    const text = str(msg, 'text') ?? '';
    // Unfurls and reactions also arrive as message_changed with the text unchanged.
    if (!ts || text === (str(prev, 'text') ?? '')) return undefined;
    const user = str(msg, 'user') ?? str(msg, 'bot_id') ?? '';
    const thread = threadOf(str(msg, 'thread_ts'), ts);
    const editedAt = str(obj(msg, 'edited'), 'ts') ?? str(ev, 'event_ts') ?? '';
    const id = `slack:${team}:${channel}:${ts}:edited:${editedAt}`;
    return { type: 'edited', id, team, user, channel, thread, ts, text: plainText(text, botUserId) };
  }
  if (subtype === 'message_deleted') {
    const ts = str(ev, 'deleted_ts');
    const prev = obj(ev, 'previous_message');
    if (!ts) return undefined;
    const user = str(prev, 'user') ?? str(prev, 'bot_id') ?? '';
    const thread = threadOf(str(prev, 'thread_ts'), ts);
    return { type: 'deleted', id: `slack:${team}:${channel}:${ts}:deleted`, team, user, channel, thread, ts };
  }
  if (!WRITTEN.has(subtype)) return undefined;
  const ts = str(ev, 'ts');
  const botId = str(ev, 'bot_id');
  const user = str(ev, 'user') ?? botId;
  if (!ts || !user) return undefined;
  const raw = str(ev, 'text') ?? '';
  const direct = str(ev, 'channel_type') === 'im' || (type === 'message' && channel.startsWith('D'));
  const mention = type === 'app_mention' || (botUserId !== undefined && raw.includes(`<@${botUserId}`));
  // Keyed by channel and ts, not event_id: Slack sends both `app_mention` and `message` for one
  // mention, with different event ids; this id makes the core see that message once.
  const id = `slack:${team}:${channel}:${ts}`;
  const thread = threadOf(str(ev, 'thread_ts'), ts);
  // Slack names who wrote a thread's parent on each reply (parent_user_id).
  const parent = thread ? str(ev, 'parent_user_id') : undefined;
  const threadByBot = parent !== undefined && botUserId !== undefined ? parent === botUserId : undefined;
  return { type: 'message', id, team, user, botId, channel, thread, ts, text: plainText(raw, botUserId), direct, mention, threadByBot };
}

/** A thread's parent has thread_ts === ts; it is not "in" its own thread. */
function threadOf(threadTs: string | undefined, ts: string): string | undefined {
  return threadTs && threadTs !== ts ? threadTs : undefined;
}

export function decodeForm(value: string | undefined): Form | undefined {
  if (!value || !value.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    const f = obj(parsed, 'form');
    const title = str(f, 'title');
    const label = str(f, 'label');
    const kind = str(f, 'kind');
    if (!f || !title || !label || (kind !== 'text' && kind !== 'person')) return undefined;
    const maxLength = typeof f.maxLength === 'number' ? f.maxLength : undefined;
    return { title, label, kind, placeholder: str(f, 'placeholder'), submitLabel: str(f, 'submitLabel'), maxLength };
  } catch {
    return undefined;
  }
}

function fromBlockActions(body: Obj): Inbound | undefined {
  const team = str(obj(body, 'team'), 'id') ?? str(obj(body, 'user'), 'team_id');
  const user = str(obj(body, 'user'), 'id');
  const actions = body.actions;
  const action: unknown = Array.isArray(actions) ? actions[0] : undefined;
  const actionId = str(action, 'action_id');
  if (!team || !user || !actionId) return undefined;
  const container = obj(body, 'container');
  const message = obj(body, 'message');
  const channel = str(obj(body, 'channel'), 'id') ?? str(container, 'channel_id');
  const messageTs = str(container, 'message_ts') ?? str(message, 'ts');
  const thread = str(container, 'thread_ts') ?? str(message, 'thread_ts');
  const id = `slack:${team}:act:${digest(user, actionId, str(action, 'action_ts'), messageTs, str(body, 'trigger_id'))}`;
  const form = decodeForm(str(action, 'value'));
  return {
    type: 'press',
    id,
    team,
    user,
    channel,
    thread: messageTs && thread === messageTs ? undefined : thread,
    actionId,
    triggerId: str(body, 'trigger_id'),
    form,
  };
}

function fromViewSubmission(body: Obj): Inbound | undefined {
  const view = obj(body, 'view');
  const user = str(obj(body, 'user'), 'id');
  const actionId = str(view, 'callback_id');
  if (!view || !user || !actionId) return undefined;
  let origin: Obj = {};
  try {
    const parsed: unknown = JSON.parse(str(view, 'private_metadata') ?? '{}');
    if (isObj(parsed)) origin = parsed;
  } catch {
    // A modal feelers did not open (or an old one): no origin, the core still gets the action.
  }
  const team = str(origin, 'team') ?? str(obj(body, 'team'), 'id') ?? str(obj(body, 'user'), 'team_id');
  if (!team) return undefined;
  const input = obj(obj(obj(view, 'state'), 'values'), FORM_BLOCK_ID);
  const field = obj(input, FORM_ACTION_ID);
  const id = `slack:${team}:view:${digest(str(view, 'id'), str(view, 'hash'), user)}`;
  return {
    type: 'submit',
    id,
    team,
    user,
    channel: str(origin, 'channel'),
    thread: str(origin, 'thread'),
    actionId,
    text: field && typeof field.value === 'string' ? field.value : undefined,
    person: str(field, 'selected_user'),
  };
}

/**
 * Any body Bolt hands over (already signature-checked) as `Inbound`, or undefined for
 * payloads feelers does not act on (other event types, joins, shortcuts, view closes).
 */
export function parseInbound(body: unknown, botUserId?: string): Inbound | undefined {
  if (!isObj(body)) return undefined;
  if (typeof body.command === 'string') return fromCommand(body);
  const type = str(body, 'type');
  if (type === 'event_callback') return fromEnvelope(body, botUserId);
  if (type === 'block_actions') return fromBlockActions(body);
  if (type === 'view_submission') return fromViewSubmission(body);
  return undefined;
}

/** The app was removed from a workspace (or an org): its installation must go. */
export interface Uninstall {
  readonly team?: string | undefined;
  readonly enterprise?: string | undefined;
  readonly isEnterpriseInstall: boolean;
}

/**
 * `app_uninstalled`, or `tokens_revoked` naming a bot token: either way the stored bot token no
 * longer works. A revoked user token alone (tokens.oauth) leaves the bot installed.
 */
export function parseUninstall(body: unknown): Uninstall | undefined {
  if (!isObj(body) || str(body, 'type') !== 'event_callback') return undefined;
  const ev = obj(body, 'event');
  const type = str(ev, 'type');
  const bots = obj(ev, 'tokens')?.bot;
  const revokedBot = type === 'tokens_revoked' && Array.isArray(bots) && bots.length > 0;
  if (type !== 'app_uninstalled' && !revokedBot) return undefined;
  const auths = body.authorizations;
  const auth: unknown = Array.isArray(auths) ? auths[0] : undefined;
  const isEnterpriseInstall = body.is_enterprise_install === true || (isObj(auth) && auth.is_enterprise_install === true);
  return { team: str(body, 'team_id'), enterprise: str(body, 'enterprise_id'), isEnterpriseInstall };
}

export interface EventContext {
  readonly actor: Actor;
  readonly communityName?: string | undefined;
  readonly raw?: unknown;
}

/** The neutral event. A press on a form button is not an event: the submission is. */
export function toChatEvent(inbound: Inbound, ctx: EventContext): ChatEvent | undefined {
  const base = {
    id: inbound.id,
    actor: ctx.actor,
    communityName: ctx.communityName,
    raw: ctx.raw,
  };
  const place = (channel: string | undefined, thread?: string): Place => ({
    network: 'slack',
    community: inbound.team,
    channel: channel ?? '',
    thread,
  });
  switch (inbound.type) {
    case 'command':
      return {
        ...base,
        kind: 'command',
        place: place(inbound.channel),
        name: inbound.name,
        text: inbound.text,
        direct: inbound.direct,
        channelName: inbound.channelName,
      };
    case 'message':
      return {
        ...base,
        kind: 'message',
        place: place(inbound.channel, inbound.thread),
        messageId: inbound.ts,
        text: inbound.text,
        direct: inbound.direct,
        mentionsBot: inbound.mention,
        // A Slack thread reply answers the thread's parent: the nearest thing to a reply-to.
        replyTo: inbound.thread,
        threadByBot: inbound.threadByBot,
      };
    case 'edited':
      return { ...base, kind: 'edited', place: place(inbound.channel, inbound.thread), messageId: inbound.ts, text: inbound.text };
    case 'deleted':
      return { ...base, kind: 'deleted', place: place(inbound.channel, inbound.thread), messageId: inbound.ts };
    case 'press':
      if (inbound.form) return undefined;
      return { ...base, kind: 'action', place: place(inbound.channel, inbound.thread), actionId: inbound.actionId };
    case 'submit': {
      const person = inbound.person ? { network: 'slack', community: inbound.team, user: inbound.person } : undefined;
      const form = { text: inbound.text, person };
      return { ...base, kind: 'action', place: place(inbound.channel, inbound.thread), actionId: inbound.actionId, form };
    }
  }
}
