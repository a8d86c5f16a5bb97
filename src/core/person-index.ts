import { parsePersonKey, personKey, samePerson, threadOf, type PersonRef } from '../ports/places.js';
import type { Store } from '../ports/store.js';
import { deliveryIdOf, keys, kindOfKey, sets } from './keys.js';
import type { ContactCard, Copy, Intro, Offer, Orphan, Reply } from './model.js';
import { PREVIEW_TTL_MS, type PendingAsk } from './pending-asks.js';

/** What a forgotten person becomes wherever a record must keep a place for them. */
export const FORGOTTEN_USER = 'forgotten';
export const FORGOTTEN_NAME = 'Someone';
/** Orphans wait briefly: the resend that binds their thread comes within a claim or two. */
export const ORPHAN_TTL_MS = 3600_000;

/**
 * Where each person appears in the store, so forget-me can clear all of it. Every record that
 * names a person other than through an index of its own (`replies-by:`, `offers-by:`,
 * `intros-with:`, keyed documents like `person:`) is noted here under `appears:<person>` when
 * it is written: asks (the asker), copies (the person prodded, the referral chain), replies
 * (the chain), thread bindings (the chain), buttons only one person may press, DMs in the
 * outbox, orphaned thread messages, release records naming the receiver, and questions waiting
 * on their audience preview (the asker and the people they would prod).
 *
 * Part of the repository: keys come from keys.ts, and the Repo calls `note` as it writes.
 */
export class PersonIndex {
  constructor(private readonly store: Store) {}

  /**
   * Deletes a record that existed only for the people it names: a button only they could
   * press, or a DM to them in the outbox (its bookkeeping, and its card if still unsent).
   */
  async drop(key: string): Promise<void> {
    await this.store.delete(key);
    if (kindOfKey(key) === 'delivery') await this.store.delete(keys.deliveryCard(deliveryIdOf(key)));
  }

  /** The keys noted for this person. */
  noted(person: PersonRef): Promise<string[]> {
    return this.store.setMembers(sets.appears(person));
  }

  /** `key` no longer names this person (the record is gone). */
  unnote(person: PersonRef, key: string): Promise<void> {
    return this.store.setRemove(sets.appears(person), key);
  }

  /** `key` names these people: forget-me visits it for each of them. */
  async note(people: readonly (PersonRef | undefined)[], key: string): Promise<void> {
    for (const p of people) if (p) await this.store.setAdd(sets.appears(p), key);
  }

  /**
   * Clears the person from every record that names them: a record that only existed for them
   * (a button only they could press, a DM to them in the outbox) is deleted; one others still
   * need (an ask, a reply, a copy, an intro) keeps a place for "Someone" in their community,
   * with no id, name, handle or contact left. Then the indexes that name them go.
   */
  async forget(person: PersonRef): Promise<void> {
    for (const key of await this.noted(person)) await this.scrubKey(key, person);
    for (const id of await this.store.setMembers(sets.repliesBy(person))) {
      await this.rewrite<Reply>(keys.reply(id), (r) => ({ ...scrub(r, person), anonymous: true }));
    }
    for (const id of await this.store.setMembers(sets.offersBy(person))) {
      const offer = await this.store.get<Offer>(keys.offer(id));
      if (!offer) continue;
      await this.store.delete(keys.offerPair(offer.askId, person));
      await this.store.set(keys.offer(id), { ...scrub(offer, person), contact: forgottenCard(offer.contact) });
    }
    for (const id of await this.store.setMembers(sets.introsWith(person))) {
      const intro = await this.store.get<Intro>(keys.intro(id));
      if (!intro) continue;
      if (samePerson(intro.responder, person)) await this.store.delete(keys.introPair(intro.askId, person));
      const asAsker = samePerson(intro.asker, person);
      const cards = asAsker
        ? { askerContact: intro.askerContact && forgottenCard(intro.askerContact) }
        : { responderContact: intro.responderContact && forgottenCard(intro.responderContact) };
      await this.store.set(keys.intro(id), { ...scrub(intro, person), ...cards });
    }
    for (const set of [sets.appears(person), sets.asksBy(person), sets.repliesBy(person), sets.offersBy(person), sets.introsWith(person)]) {
      const members = await this.store.setMembers(set);
      if (members.length) await this.store.setRemove(set, ...members);
    }
  }

  private async scrubKey(key: string, person: PersonRef): Promise<void> {
    const kind = kindOfKey(key);
    if (kind === 'action' || kind === 'delivery' || kind === 'delivery-card') {
      await this.drop(key);
    } else if (kind === 'orphans') {
      const list = (await this.store.get<Orphan[]>(key)) ?? [];
      const kept = list.filter((o) => !samePerson(o.actor, person));
      if (kept.length) await this.store.set(key, kept, ORPHAN_TTL_MS);
      else await this.store.delete(key);
    } else if (kind === 'pending-ask') {
      await this.forgetInPreview(key, person);
    } else if (kind === 'copy') {
      const copy = await this.store.get<Copy>(key);
      if (!copy) return;
      // A copy sent to the person by DM: the thread binding in their DM channel goes, and
      // where it was (their DM channel's id) is not kept.
      if (copy.person && samePerson(copy.person, person) && copy.ref) {
        await this.store.delete(keys.thread(threadOf(copy.ref)));
        await this.store.set(key, { ...scrub(copy, person), ref: undefined });
      } else await this.store.set(key, scrub(copy, person));
    } else {
      await this.rewrite<unknown>(key, (v) => scrub(v, person));
    }
  }

  /**
   * A question waiting on its audience preview (pending-asks.ts): the asker's goes with them,
   * never sent; a person it would prod leaves its list, so Send cannot reach them and the
   * document no longer names them. It keeps its day to live from now.
   */
  private async forgetInPreview(key: string, person: PersonRef): Promise<void> {
    const waiting = await this.store.get<PendingAsk>(key);
    if (!waiting) return;
    if (samePerson(waiting.ask.asker, person)) {
      await this.store.delete(key);
      return;
    }
    const experts = waiting.experts.filter((p) => !samePerson(p, person));
    await this.store.set(key, { ...waiting, experts }, PREVIEW_TTL_MS);
  }

  private async rewrite<T>(key: string, change: (v: T) => T): Promise<void> {
    const value = await this.store.get<T>(key);
    if (value !== undefined) await this.store.set(key, change(value));
  }
}

/**
 * A copy of `value` in which every person reference to `person` (any object with their
 * network, community and user) keeps only its community: "Someone in <community>".
 */
export function scrub<T>(value: T, person: PersonRef): T {
  return scrubPeople(value, (p) => samePerson(p, person), personKey(person));
}

/** A copy of `value` in which every person is "Someone" in their community (retention). */
export function anonymous<T>(value: T): T {
  return scrubPeople(value, () => true);
}

function scrubPeople<T>(value: T, matches: (p: PersonRef) => boolean, key?: string): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'string') return key !== undefined && v === key ? 'forgotten' : v;
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (isPerson(o) && matches(o)) {
      const out: Record<string, unknown> = { network: o.network, community: o.community, user: FORGOTTEN_USER };
      if ('name' in o) out['name'] = FORGOTTEN_NAME;
      if ('communityName' in o) out['communityName'] = o['communityName'];
      return out;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(value) as T;
}

function isPerson(o: Record<string, unknown>): o is Record<string, unknown> & PersonRef {
  return typeof o['network'] === 'string' && typeof o['community'] === 'string' && typeof o['user'] === 'string';
}

/** A contact card with nothing left that reaches the person. */
export function forgottenCard(card: ContactCard): ContactCard {
  return { name: FORGOTTEN_NAME, communityName: card.communityName, network: card.network };
}

/** The people a button binding is limited to, if any (`only` is a person key). */
export function onlyPerson(only: string | undefined): PersonRef | undefined {
  return only === undefined ? undefined : parsePersonKey(only);
}
