import type { CommandEvent } from '../ports/events.js';
import { UserError } from '../ports/errors.js';
import { personKey, samePerson, type PersonRef } from '../ports/places.js';
import { WEEK_MS } from './routing-learning.js';
import type { Ctx } from './context.js';
import { stableId } from './ids.js';
import type { Ask, Author, ContactCard, Intro } from './model.js';
import { myDataCard, type MyData, type NamedPerson } from './my-data-card.js';

/**
 * `/feelers my-data`: everything feelers holds about the person who asks, sent to them alone by
 * DM as a readable card and a JSON file. Only their own records are read (through the repo's
 * per-person indexes), and only their own contact is in it: other people appear by name and
 * community, and only where the person's own record names them (an intro's other side, a
 * release's recipient).
 */

/** `/feelers my-data`. Returns the private answer; the data itself goes by DM only. */
export async function sendMyData(ctx: Ctx, e: CommandEvent, args: string): Promise<string> {
  if (args) {
    throw new UserError('my_data_args', '/feelers my-data sends you your own data only; it takes no name. Try /feelers my-data.');
  }
  const community = ctx.names.community(e.actor.network, e.actor.community, e.communityName);
  const data = await collectMyData(ctx, e.actor, { name: e.actor.name, community });
  if (!data) return 'feelers holds nothing about you.';
  // What feelers learned can be forgotten from the card itself (routing-commands.ts).
  const reset = data.learned?.topics.length ? await ctx.buttons.bind({ op: 'reset-learning', only: personKey(e.actor) }) : undefined;
  // A fresh DM per request, but one per event: a replayed event sends it once.
  await ctx.outbox.dm(e.actor, myDataCard(data, reset), { kind: 'notify' }, stableId('my-data', e.id));
  ctx.outbox.kick();
  return "I've sent you everything feelers holds about you by DM.";
}

/** What feelers holds about `who`, or undefined when it holds nothing. */
export async function collectMyData(ctx: Ctx, who: PersonRef, shown: NamedPerson): Promise<MyData | undefined> {
  const { repo } = ctx;
  const profile = await repo.profile(who);
  const asks = await repo.asksBy(who);
  const replies = (await repo.repliesBy(who)).sort((a, b) => a.at - b.at);
  const follows = await repo.followsOf(who);
  const { offers, intros } = await repo.consentsOf(who);
  const releases = await repo.releasesOf(who);
  const prompts = await repo.prompts(who);
  const learned = await repo.routing.learned(who);
  const answeredLater = await repo.search.creditsOf(who);
  const held = [asks, replies, follows, offers, intros, releases, prompts].some((list) => list.length > 0) || answeredLater > 0;
  if (!profile && !held && !learned) return undefined;

  const questions = new Map<string, Ask | undefined>(asks.map((a) => [a.id, a]));
  const question = async (askId: string): Promise<string | null> => {
    if (!questions.has(askId)) questions.set(askId, await repo.ask(askId));
    return questions.get(askId)?.text ?? null;
  };
  const introsById = new Map<string, Intro | undefined>(intros.map((i) => [i.id, i]));
  const introOf = async (id: string): Promise<Intro | undefined> => {
    if (!introsById.has(id)) introsById.set(id, await repo.intro(id));
    return introsById.get(id);
  };
  const now = ctx.now();

  return {
    about: `Everything feelers holds about you as of ${iso(now)}. Times are in UTC. Other people appear by name only.`,
    generatedAt: iso(now),
    person: {
      name: profile?.name ?? shown.name,
      community: profile?.communityName ?? shown.community,
      network: who.network,
      userId: who.user,
    },
    profile: profile
      ? {
          handle: profile.handle ?? null,
          profileUrl: profile.profileUrl ?? null,
          optedOut: profile.optedOut,
          unsolicitedDms: profile.unsolicited.map(iso),
          lastContactedAt: isoOrNull(profile.lastContactedAt),
        }
      : null,
    topics: profile?.topics ?? [],
    contact: profile?.contact ?? null,
    asks: asks.map((a) => ({
      id: a.id,
      question: a.text,
      topics: a.topics,
      askedIn: { network: a.origin.network, community: a.origin.community, channel: a.origin.channel },
      state: a.state,
      askedAt: iso(a.createdAt),
      expiresAt: iso(a.expiresAt),
      closedAt: isoOrNull(a.closedAt),
    })),
    replies: await Promise.all(
      replies.map(async (r) => ({
        id: r.id,
        askId: r.askId,
        question: await question(r.askId),
        text: r.text,
        at: iso(r.at),
        source: r.source,
        anonymous: r.anonymous === true,
        deleted: r.deleted === true,
        retracted: r.retracted === true,
      })),
    ),
    follows: await Promise.all(follows.map(async (askId) => ({ askId, question: await question(askId) }))),
    offers: await Promise.all(
      [...offers]
        .sort((a, b) => a.at - b.at)
        .map(async (o) => ({
          id: o.id,
          askId: o.askId,
          question: await question(o.askId),
          at: iso(o.at),
          decision: o.decided ?? null,
          ...own(o.contact),
        })),
    ),
    intros: await Promise.all(
      [...intros]
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(async (i) => {
          const asker = samePerson(i.asker, who);
          return {
            id: i.id,
            askId: i.askId,
            question: await question(i.askId),
            role: asker ? ('asker' as const) : ('responder' as const),
            direction: i.direction,
            with: named(asker ? i.responder : i.asker),
            state: i.state,
            createdAt: iso(i.createdAt),
            decidedAt: isoOrNull(i.decidedAt),
            ...own(asker ? i.askerContact : i.responderContact),
          };
        }),
    ),
    releases: await Promise.all(
      releases.map(async (r) => {
        const intro = await introOf(r.introId);
        const to = intro ? [intro.asker, intro.responder].find((side) => samePerson(side, r.to)) : undefined;
        return {
          whoseContact: 'yours' as const,
          to: to ? named(to) : null,
          at: iso(r.at),
          askId: r.askId,
          question: await question(r.askId),
          introId: r.introId,
        };
      }),
    ),
    openPrompts: await Promise.all(prompts.map(async (p) => ({ askId: p.askId, question: await question(p.askId), sentAt: iso(p.at) }))),
    learned: learned
      ? {
          topics: Object.entries(learned.topics).map(([topic, h]) => ({
            topic,
            replies: h.replies,
            intros: h.intros,
            lastAt: iso(h.lastAt),
          })),
          prodsThisWeek: learned.prods.filter((t) => now - t < WEEK_MS).map(iso),
          unansweredInARow: learned.unanswered,
          prodsPausedAt: isoOrNull(learned.pausedAt),
        }
      : null,
    answeredLater,
  };
}

function named(a: Author): NamedPerson {
  return { name: a.name, community: a.communityName };
}

/** The person's own handle and link, as their press that consented gave them. */
function own(c: ContactCard | undefined): { yourHandle: string | null; yourProfileUrl: string | null } {
  return { yourHandle: c?.handle ?? null, yourProfileUrl: c?.profileUrl ?? null };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function isoOrNull(t: number | undefined): string | null {
  return t === undefined ? null : iso(t);
}
