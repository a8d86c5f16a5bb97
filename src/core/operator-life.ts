import { placeKey, type PersonRef } from '../ports/places.js';
import { askCardDeliveryId } from './intake.js';
import type { Ask, Copy, Delivery, Intro, Reply } from './model.js';
import type { AskLife, CopyLife, IntroLife, ReplyLife } from './operator-api.js';
import { summaryOf } from './operator-asks.js';
import { linkOf, type OperatorCtx } from './operator-context.js';
import { removalRecordId } from './local-moderation.js';
import { FORGOTTEN_NAME, FORGOTTEN_USER } from './person-index.js';
import { reasonText } from './text.js';

/**
 * One ask's life as an operator sees it: where each copy went and how it fared, the replies by
 * community, the digests, the introductions. People appear by name only: no handle, profile
 * link or contact (an intro's contact cards are never read here), and DMs get no link.
 */
export async function askLife(oc: OperatorCtx, askId: string): Promise<AskLife | undefined> {
  const { repo } = oc.ctx;
  const ask = await repo.ask(askId);
  if (!ask) return undefined;
  const [cardRef, cardDelivery, copies, replies, digests, intros, followers] = await Promise.all([
    repo.askCard(ask.id),
    repo.deliveries.delivery(askCardDeliveryId(ask.id)),
    repo.copiesOf(ask.id),
    repo.repliesOf(ask.id),
    repo.asks.digestsOf(ask.id),
    repo.introsOf(ask.id),
    repo.followersOf(ask.id),
  ]);
  return {
    ask: { ...summaryOf(ask), expiresAt: ask.expiresAt, origin: ask.origin },
    card: { state: cardDelivery?.state ?? (cardRef ? 'sent' : undefined), link: linkOf(oc, cardRef ?? cardDelivery?.ref) },
    copies: await copiesOf(oc, ask, copies),
    replies: byCommunity(replies),
    digests: await Promise.all(
      digests.map(async ({ deliveryId, at }) => {
        const d = await repo.deliveries.delivery(deliveryId);
        return { at, state: d?.state, link: linkOf(oc, d?.ref) };
      }),
    ),
    intros: intros.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)).map(introLife),
    followers: followers.length,
  };
}

async function copiesOf(oc: OperatorCtx, ask: Ask, copies: readonly Copy[]): Promise<CopyLife[]> {
  const { repo } = oc.ctx;
  // Channel names as the networks said them at connect, read once for every copy.
  const names = new Map((await repo.allGrounds()).map((g) => [placeKey(g.place), g.channelName]));
  const lives = await Promise.all(
    copies.map(async (c): Promise<CopyLife> => {
      const [d, where, removed] = await Promise.all([
        repo.deliveries.delivery(c.deliveryId),
        whereOf(oc, c, names),
        c.ref && ask.state !== 'retracted' ? repo.moderation.has(removalRecordId(c.id)) : Promise.resolve(false),
      ]);
      const down = c.ref !== undefined && (ask.state === 'retracted' || removed);
      return {
        id: c.id,
        kind: c.kind,
        communityName: c.communityName,
        where,
        network: c.place?.network ?? c.person?.network ?? ask.origin.network,
        state: d?.state ?? (c.ref ? 'sent' : undefined),
        shown: down ? 'withdrawn' : shownOf(c, d),
        // A DM to a person (prod, referral) is theirs alone: no link.
        link: c.kind === 'ground' ? linkOf(oc, c.ref) : undefined,
        lastError: d?.lastError === undefined ? undefined : reasonText(d.lastError),
        via: (c.via ?? []).map(nameOf),
      };
    }),
  );
  const order = { ground: 0, prod: 1, referral: 2 } as const;
  return lives.sort(
    (a, b) => order[a.kind] - order[b.kind] || a.communityName.localeCompare(b.communityName) || a.where.localeCompare(b.where),
  );
}

function shownOf(c: Copy, d: Delivery | undefined): CopyLife['shown'] {
  if (!d) return c.ref ? 'sent' : 'unknown';
  switch (d.state) {
    case 'pending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return d.gone ? 'unreachable' : 'failed';
  }
}

/** A channel by its id; a person by the name their profile keeps (never more of it). */
async function whereOf(oc: OperatorCtx, c: Copy, names: ReadonlyMap<string, string | undefined>): Promise<string> {
  if (c.place) return names.get(placeKey({ ...c.place, thread: undefined })) ?? c.place.channel;
  if (!c.person) return c.communityName;
  return personName(oc, c.person, c.communityName);
}

async function personName(oc: OperatorCtx, person: PersonRef, communityName: string): Promise<string> {
  if (person.user === FORGOTTEN_USER) return FORGOTTEN_NAME;
  const profile = await oc.ctx.repo.profile(person);
  return profile?.name ?? `someone in ${communityName}`;
}

function byCommunity(replies: readonly Reply[]): AskLife['replies'] {
  const groups = new Map<string, ReplyLife[]>();
  for (const r of [...replies].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))) {
    const list = groups.get(r.author.communityName) ?? [];
    list.push({
      id: r.id,
      authorName: r.anonymous || r.author.user === FORGOTTEN_USER ? FORGOTTEN_NAME : r.author.name,
      text: r.text,
      at: r.at,
      state: r.deleted ? 'deleted' : r.retracted ? 'retracted' : 'live',
      via: (r.via ?? []).map(nameOf),
    });
    groups.set(r.author.communityName, list);
  }
  return [...groups.entries()].map(([communityName, list]) => ({ communityName, replies: list }));
}

function introLife(i: Intro): IntroLife {
  return {
    id: i.id,
    direction: i.direction,
    askerName: nameOf(i.asker),
    responderName: nameOf(i.responder),
    responderCommunity: i.responder.communityName,
    state: i.state,
    createdAt: i.createdAt,
    decidedAt: i.decidedAt,
  };
}

function nameOf(p: { user: string; name: string }): string {
  return p.user === FORGOTTEN_USER ? FORGOTTEN_NAME : p.name;
}
