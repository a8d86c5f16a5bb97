import type { Actor, ChatEvent, Place } from '../../src/ports/index.js';
import type { WireEvent } from './world-types.js';

export interface ParseContext {
  /** feelers' user id on this network: its own posts come back with `isSelf`. */
  readonly botUser: string;
  /** Written `@<botName>` in text, the bot's mention. */
  readonly botName: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds and removes the bot's mention, so "@feelers where is X?" reaches the core as "where is X?". */
export function stripBotMention(text: string, botName: string): { text: string; mentioned: boolean } {
  const re = new RegExp(`(^|[^\\p{L}\\p{N}_])@${escapeRegExp(botName)}(?![\\p{L}\\p{N}_])`, 'giu');
  let mentioned = false;
  const stripped = text.replace(re, (_m, before: string) => {
    mentioned = true;
    return before;
  });
  if (!mentioned) return { text, mentioned };
  return { text: stripped.replace(/[ \t]{2,}/g, ' ').trim(), mentioned };
}

/** Maps the memory platform's wire event to the core's `ChatEvent`; the wire stays as `raw`. */
export function parseWire(wire: WireEvent, ctx: ParseContext): ChatEvent {
  const isSelf = wire.user.id === ctx.botUser;
  const actor: Actor = {
    network: wire.network,
    community: wire.community,
    user: wire.user.id,
    name: wire.user.name,
    isBot: wire.user.isBot || isSelf,
    isSelf,
    rights: { admin: wire.user.admin, manageChannel: wire.user.manageChannel },
    handle: wire.user.handle,
    profileUrl: wire.user.profileUrl,
  };
  const place: Place = { network: wire.network, community: wire.community, channel: wire.channel, thread: wire.thread };
  const base = { id: wire.id, actor, place, communityName: wire.communityName, raw: wire };
  switch (wire.type) {
    case 'message': {
      const { text, mentioned } = stripBotMention(wire.text, ctx.botName);
      return {
        ...base,
        kind: 'message',
        messageId: wire.messageId,
        text,
        direct: wire.isDm,
        mentionsBot: mentioned,
        replyTo: wire.replyTo,
        threadByBot: wire.threadByBot,
      };
    }
    case 'command':
      return {
        ...base,
        kind: 'command',
        name: wire.command,
        text: wire.text,
        direct: wire.isDm,
        channelName: wire.isDm ? undefined : wire.channelName,
      };
    case 'action': {
      const picked = wire.form?.person;
      const form = wire.form && {
        text: wire.form.text,
        person: picked && { network: wire.network, community: wire.community, user: picked.id, name: picked.name },
      };
      return { ...base, kind: 'action', actionId: wire.actionId, form };
    }
    case 'edited':
      return { ...base, kind: 'edited', messageId: wire.messageId, text: stripBotMention(wire.text, ctx.botName).text };
    case 'deleted':
      return { ...base, kind: 'deleted', messageId: wire.messageId };
  }
}
