import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Actor, ChatEvent, Place } from '../../src/ports/index.js';
import { dmChannel, normalise, tokenOf, type Directory } from './addresses.js';
import { classify, type Headers } from './loops.js';
import { stripReply } from './strip.js';
import type { Threads } from './threads.js';

/** As long as a chat message may be: a mail's words beyond that are cut, not relayed whole. */
export const MAX_TEXT = 4000;

export interface ParseContext {
  readonly network: string;
  readonly bot: string;
  readonly directory: Directory;
  readonly threads: Threads;
  readonly authservId?: string | undefined;
}

export type Parsed =
  | { readonly kind: 'event'; readonly event: ChatEvent; readonly from: string; readonly fromName: string; readonly attachments: number }
  | { readonly kind: 'skip'; readonly why: string };

/** One raw mail to the event it is, or why it is none (never why in a way that logs an address). */
export async function parseMail(source: Buffer, ctx: ParseContext): Promise<Parsed> {
  const mail = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const headers = rawHeaders(mail);
  const cls = classify(headers, ctx.authservId, (a) => ctx.directory.isList(a));
  if (cls.kind === 'drop') return { kind: 'skip', why: cls.why };

  const sender = mail.from?.value[0];
  if (!sender?.address) return { kind: 'skip', why: 'no_from' };
  const from = normalise(sender.address);
  // Our own mail back from a list we are a member of.
  if (from === normalise(ctx.bot)) return { kind: 'skip', why: 'self' };
  const community = ctx.directory.communityOf(from);
  if (!community) return { kind: 'skip', why: 'stranger' };

  const recipients = [...addresses(mail.to), ...addresses(mail.cc), ...headers.all('delivered-to'), ...headers.all('x-original-to')].map(
    (a) => normalise(a.replace(/[<>]/g, '')),
  );
  const messageId = mail.messageId ?? `<${createHash('sha256').update(source).digest('hex').slice(0, 32)}@feelers.invalid>`;
  const refs = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[mail.references ?? []].flat().reverse()];
  const mentionsBot = recipients.some((r) => r === normalise(ctx.bot) || tokenOf(ctx.bot, r) !== undefined);

  let place: Place | undefined;
  let threadByBot: boolean | undefined;
  const token = recipients.map((r) => tokenOf(ctx.bot, r)).find((t) => t !== undefined);
  if (token !== undefined) {
    const bound = await ctx.threads.token(token);
    // A reply address mailed to one person works for that person only: a forged From does nothing.
    if (bound?.user !== undefined && bound.user !== from) return { kind: 'skip', why: 'forged_from' };
    place = bound?.place;
    threadByBot = bound ? true : undefined;
  }
  if (!place) {
    const known = await ctx.threads.firstKnown(refs);
    if (known) {
      place = known.place;
      threadByBot = true;
    }
  }
  if (!place) {
    const list = recipients.find((r) => ctx.directory.isList(r));
    if (list) place = { network: ctx.network, community: ctx.directory.listCommunity(list)!, channel: list };
  }
  if (!place && mentionsBot) place = { network: ctx.network, community: community.id, channel: dmChannel(from) };
  if (!place) return { kind: 'skip', why: 'not_for_us' };
  // A DM thread belongs to one person: someone else's mail quoting its Message-ID is not theirs to continue.
  if (place.channel.startsWith('dm:') && place.channel !== dmChannel(from)) return { kind: 'skip', why: 'forged_from' };

  const direct = place.channel.startsWith('dm:');
  // A display name or subject goes into a header line: control characters (CR, LF) must not.
  // eslint-disable-next-line no-control-regex
  const fromName = (sender.name ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim() || from.slice(0, from.indexOf('@'));
  const actor: Actor = {
    network: ctx.network,
    community: community.id,
    user: from,
    name: fromName,
    isBot: cls.kind === 'bot',
    isSelf: false,
    rights: { admin: false, manageChannel: false },
    handle: from,
  };
  const body = stripReply(mail.text ?? '').slice(0, MAX_TEXT);
  const base = { id: `${ctx.network}:${messageId}`, actor, place, communityName: ctx.directory.communityName(place.community) };
  const attachments = mail.attachments.filter((a) => a.contentDisposition !== 'inline').length;
  const command = /^\/(ask|feelers)\b[ \t]*([\s\S]*)$/i.exec(body);
  if (command && (direct || mentionsBot) && !actor.isBot) {
    const name = command[1]!.toLowerCase() as 'ask' | 'feelers';
    const event: ChatEvent = { ...base, kind: 'command', name, text: command[2]!.trim(), direct, channelName: place.channel };
    return { kind: 'event', event, from, fromName, attachments };
  }
  const event: ChatEvent = {
    ...base,
    kind: 'message',
    messageId,
    text: body,
    direct,
    mentionsBot: mentionsBot && !direct,
    replyTo: mail.inReplyTo,
    threadByBot,
  };
  return { kind: 'event', event, from, fromName, attachments };
}

function addresses(a: AddressObject | AddressObject[] | undefined): string[] {
  return [a ?? []]
    .flat()
    .flatMap((o) => o.value)
    .flatMap((v) => (v.group ? v.group.map((g) => g.address ?? '') : [v.address ?? '']))
    .filter((x) => x !== '');
}

/** Headers as written, unfolded: the loop rules read them as text (mailparser parses some into objects). */
function rawHeaders(mail: ParsedMail): Headers {
  const byName = new Map<string, string[]>();
  for (const h of mail.headerLines) {
    const value = h.line
      .slice(h.line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const list = byName.get(h.key) ?? [];
    list.push(value);
    byName.set(h.key, list);
  }
  return { get: (n) => byName.get(n)?.[0], all: (n) => byName.get(n) ?? [] };
}
