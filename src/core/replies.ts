import { joinedCard } from './ask-cards.js';
import type { Ctx } from './context.js';
import type { Repo } from './repo.js';
import type { Actor, DeletedEvent, EditedEvent, MessageEvent } from '../ports/events.js';
import { stableId } from './ids.js';
import { personKey, samePerson, threadOf, type MessageRef, type PersonRef, type Place } from '../ports/places.js';
import { HELP } from './commands.js';
import { offerDmAsk } from './dm-asks.js';
import { askOrShowEarlier } from './search-first.js';
import { markCopyClosed } from './lifecycle.js';
import { learnFromReply } from './routing-learning.js';
import type { Ask, CopyInfo, Delivery, OpenPrompt, Reply, ReplySource } from './model.js';
import { cleanText } from './text.js';
import { isBlocked } from './local-moderation.js';

/** Longest reply kept; longer ones are cut with a note, so one paste can't flood a digest. */
const MAX_REPLY = 4_000;

function clip(text: string): string {
  return text.length > MAX_REPLY ? `${text.slice(0, MAX_REPLY - 1)}…` : text;
}

export interface ReplyInput {
  /** The event that carried the reply: its id makes the reply's, so a redone event finds the same reply. */
  readonly eventId: string;
  readonly actor: Actor;
  readonly communityName?: string | undefined;
  readonly ask: Ask;
  readonly copy?: CopyInfo | undefined;
  readonly text: string;
  readonly source: ReplySource;
  readonly message?: { network: string; channel: string; id: string } | undefined;
}

/**
 * A reply joins its ask: stored on its own key and added to the ask's sets, never by
 * rewriting the ask, so replies arriving at once (on any instance) can't overwrite each other.
 */
export async function collectReply(ctx: Ctx, input: ReplyInput): Promise<Reply | undefined> {
  let text = cleanText(input.text);
  if (!text) return undefined;
  // The asker's community blocked this person (or theirs): their words do not reach its questions.
  if (await isBlocked(ctx, input.ask.asker, input.actor)) return undefined;
  text = clip(text);
  const id = input.message ? replyIdOf(input.message) : stableId('reply', input.eventId);
  // A reply kept already stands as it is now: the same message read again (a catch-up, a
  // platform's retry handled at once on two instances, a thread's orphans adopted twice) may
  // since have been made anonymous (forget-me), retracted, deleted or digested. `addReply` is
  // one batch, so a kept reply is wholly added.
  const kept = await ctx.repo.reply(id);
  if (kept) return kept;
  const reply: Reply = {
    id,
    askId: input.ask.id,
    copyId: input.copy?.id,
    // Digests go to the asker's community: the writer shows as their own community's policy says.
    author: await ctx.sharing.travelling(ctx.names.author(input.actor, input.communityName ?? input.copy?.communityName), input.ask.asker),
    text,
    source: input.source,
    via: input.copy?.kind === 'referral' ? input.copy.via : undefined,
    at: ctx.now(),
    message: input.message,
  };
  await ctx.repo.addReply(reply);
  // The replier's community helped the asker's (communities only: the graph names no one).
  await ctx.repo.help.count('replies', reply.author, input.ask.asker, reply.at);
  // Who helped on these topics, and how fast this ground answers (routing-learning.ts).
  await learnFromReply(ctx, input.ask, reply, input.copy);
  ctx.metrics.replyCollected(input.source);
  return reply;
}

/**
 * Which ask a message belongs to: a copy's thread, the ask card's thread, a reply to a copy,
 * or a DM answering a prod. An @mention that belongs to none is a new ask; a DM that belongs to
 * none is offered as one, to its writer alone.
 */
export async function routeMessage(ctx: Ctx, e: MessageEvent): Promise<void> {
  const { repo } = ctx;
  if (e.direct) {
    const open = await openPromptOf(ctx, e.actor);
    if (open) return replyByDm(ctx, e, open);
    if (/^\s*(help|\/?feelers help)\s*$/i.test(e.text)) return ctx.notices.send(e.actor, e.place, HELP);
    // A DM is private: it is asked only if its writer says so (see dm-asks.ts).
    return offerDmAsk(ctx, e);
  }
  const binding =
    (e.place.thread ? await repo.threadBinding(e.place) : undefined) ??
    // A reply to a copy (Discord's message reference) finds the copy's thread binding: a
    // thread started on a message has the message's id (Discord), as a Slack thread has its ts.
    (e.replyTo ? await repo.threadBinding({ ...e.place, thread: e.replyTo }) : undefined);
  if (binding) {
    const ask = await repo.ask(binding.askId);
    if (!ask) return;
    // The asker talking in their own thread is conversation, not an answer.
    if (samePerson(e.actor, ask.asker)) return;
    if (ask.state !== 'open') {
      await ctx.notices.send(e.actor, e.place, `This question is ${ask.state}, so your message was not passed on.`);
      return;
    }
    const copy = binding.copy ?? (binding.copyId ? await repo.copy(binding.copyId) : undefined);
    const source = binding.copyId ? (e.place.thread ? 'copy-thread' : 'reply-to') : 'ask-thread';
    await collectReply(ctx, {
      eventId: e.id,
      actor: e.actor,
      communityName: e.communityName,
      ask,
      copy,
      text: e.text,
      source,
      message: { network: e.place.network, channel: e.place.channel, id: e.messageId },
    });
    return;
  }
  if (e.mentionsBot) {
    await askOrShowEarlier(ctx, e.actor, e.place, e.text, e.communityName, e.id);
    return;
  }
  if (e.place.thread && (await repo.ground(e.place))) {
    await keepOrphan(ctx, e);
    // The copy's thread may have been bound (by another instance) between our look and
    // keeping the orphan, after that instance adopted what it found: adopt it ourselves.
    if (await repo.threadBinding(e.place)) await adoptOrphans(ctx, e.place);
  }
}

/** The newest open prompt (prod or referral) of a person whose ask is still open. */
export async function openPromptOf(ctx: Ctx, person: PersonRef): Promise<{ prompt: OpenPrompt; ask: Ask } | undefined> {
  const prompts = await ctx.repo.prompts(person);
  const alive: OpenPrompt[] = [];
  let found: { prompt: OpenPrompt; ask: Ask } | undefined;
  for (const p of prompts) {
    const ask = await ctx.repo.ask(p.askId);
    if (ask?.state !== 'open') continue;
    alive.push(p);
    if (!found || p.at >= found.prompt.at) found = { prompt: p, ask };
  }
  if (alive.length !== prompts.length) await ctx.repo.savePrompts(person, alive);
  return found;
}

/** A DM while a prod or referral is open answers it; the bot says which ask it joined. */
export async function replyByDm(ctx: Ctx, e: MessageEvent, open: { prompt: OpenPrompt; ask: Ask }): Promise<void> {
  const copy = await ctx.repo.copy(open.prompt.copyId);
  const reply = await collectReply(ctx, {
    eventId: e.id,
    actor: e.actor,
    communityName: e.communityName,
    ask: open.ask,
    copy,
    text: e.text,
    source: 'dm',
    message: { network: e.place.network, channel: e.place.channel, id: e.messageId },
  });
  if (!reply) return;
  const keys = await ctx.buttons.bindAll({ askId: open.ask.id, replyId: reply.id, only: personKey(e.actor) }, [
    'new-question',
    'retract-reply',
  ] as const);
  await ctx.outbox.dm(e.actor, joinedCard(open.ask, keys), { kind: 'notify', askId: open.ask.id }, stableId('joined', reply.id));
  ctx.outbox.kick();
}

/** "Make it a new question instead": the reply leaves the ask (if not digested yet, nobody saw it). */
export async function retractReply(ctx: Ctx, replyId: string, by: PersonRef): Promise<Reply | undefined> {
  const reply = await ctx.repo.reply(replyId);
  if (!reply || !samePerson(reply.author, by) || reply.retracted) return undefined;
  reply.retracted = true;
  await ctx.repo.withdrawReply(reply);
  return reply;
}

/**
 * A reply written as a message has an id made from the message's, so its edits and deletion
 * find it without an index of their own.
 */
export function replyIdOf(m: { network: string; channel: string; id: string }): string {
  return stableId('reply', m.network, m.channel, m.id);
}

/** Edits follow the reply until and after it is digested (later summaries show the new text). */
export async function editReply(ctx: Ctx, e: EditedEvent): Promise<void> {
  const reply = await ctx.repo.reply(replyIdOf({ network: e.place.network, channel: e.place.channel, id: e.messageId }));
  if (!reply || !samePerson(reply.author, e.actor)) return;
  const text = cleanText(e.text);
  if (!text) {
    await deleteReply(ctx, { ...e, kind: 'deleted' });
    return;
  }
  reply.text = clip(text);
  await ctx.repo.saveReply(reply);
}

/** A deleted message is withdrawn: not in any later digest or summary. Returns the reply it withdrew. */
export async function deleteReply(ctx: Ctx, e: DeletedEvent): Promise<Reply | undefined> {
  const reply = await ctx.repo.reply(replyIdOf({ network: e.place.network, channel: e.place.channel, id: e.messageId }));
  if (!reply || reply.deleted) return undefined;
  reply.deleted = true;
  await ctx.repo.withdrawReply(reply);
  return reply;
}

/**
 * A copy can be on the platform before this process has recorded where it is: the send went
 * out, then the process died before hearing back. Replies written in that window land in a
 * thread nobody knows yet. They wait (only in connected channels, briefly: see Repo.keepOrphan)
 * until the resend finds the copy and binds its thread; then they join the ask like any other
 * reply.
 */
const MAX_ORPHANS = 50;

async function keepOrphan(ctx: Ctx, e: MessageEvent): Promise<void> {
  // Only a thread started on feelers' own message can turn out to be a copy's: people's
  // chatter in threads of their own is never kept.
  if (!cleanText(e.text) || e.threadByBot === false) return;
  // Cut as a reply would be: chatter that may never bind is not kept whole.
  const orphan = {
    eventId: e.id,
    actor: e.actor,
    communityName: e.communityName,
    text: clip(e.text),
    messageId: e.messageId,
    channel: e.place.channel,
  };
  await ctx.repo.keepOrphan(e.place, orphan, MAX_ORPHANS);
}

async function adoptOrphans(ctx: Ctx, thread: Place): Promise<void> {
  const list = await ctx.repo.takeOrphans(thread);
  if (!list.length) return;
  const binding = await ctx.repo.threadBinding(thread);
  const ask = binding ? await ctx.repo.ask(binding.askId) : undefined;
  if (!binding || !ask || ask.state !== 'open') return;
  const copy = binding.copy;
  for (const o of list) {
    if (samePerson(o.actor, ask.asker)) continue;
    await collectReply(ctx, {
      eventId: o.eventId,
      actor: o.actor,
      communityName: o.communityName,
      ask,
      copy,
      text: o.text,
      source: copy ? 'copy-thread' : 'ask-thread',
      message: { network: thread.network, channel: o.channel, id: o.messageId },
    });
  }
}

/**
 * After the outbox sent an ask card or a copy: where it is, so replies written in its thread
 * (or as replies to it) find their ask. Written through `repo`, the batch that also finishes
 * the delivery, so a process that dies after the send leaves both or neither.
 */
export async function recordSentThread(repo: Repo, d: Delivery, ref: MessageRef): Promise<void> {
  const p = d.purpose;
  if (p.kind === 'ask-card') {
    await repo.saveAskCard(p.askId, ref);
    await repo.bindThread(threadOf(ref), { askId: p.askId });
  } else if (p.kind === 'copy') {
    const copy = await repo.copy(p.copyId);
    if (!copy) return;
    copy.ref = ref;
    await repo.saveCopy(copy);
    const binding = {
      askId: p.askId,
      copyId: p.copyId,
      copy: { id: copy.id, kind: copy.kind, communityName: copy.communityName, via: copy.via },
    };
    await repo.bindThread(threadOf(ref), binding);
  }
}

/**
 * Once a copy's thread is recorded: replies that arrived before are adopted now, and a copy of
 * an ask closed while it was on its way gets the closed text like the others.
 */
export async function afterSentThread(ctx: Ctx, d: Delivery, ref: MessageRef): Promise<void> {
  const p = d.purpose;
  if (p.kind !== 'copy') return;
  const copy = await ctx.repo.copy(p.copyId);
  if (!copy) return;
  await adoptOrphans(ctx, threadOf(ref));
  const ask = await ctx.repo.ask(p.askId);
  if (ask && ask.state !== 'open') await markCopyClosed(ctx, ask, copy);
}
