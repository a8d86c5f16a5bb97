import { parsePersonKey, threadOf, type PersonRef } from '../ports/places.js';
import { DAY_MS } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { AskIndex } from './ask-index.js';
import { keys, kindOfKey, sets } from './keys.js';
import type { ActionBinding, Ask, ContactRelease, Copy, Delivery, Intro, Offer, Reply } from './model.js';
import { anonymous, FORGOTTEN_USER, forgottenCard, type PersonIndex } from './person-index.js';

/**
 * Retention: an ask that ended long ago keeps its words but no longer says who took part.
 * Every person in its records (the asker, repliers, helpers, both sides of its intros, the
 * people its copies went to or credited, its followers) becomes "Someone" in their community;
 * buttons and DMs about it go; the pairs and receivers naming people go. Part of the
 * repository (keys from keys.ts).
 */
export class AskPurge {
  constructor(
    private readonly store: Store,
    private readonly people: PersonIndex,
    private readonly index: AskIndex,
  ) {}

  /** Asks are listed by the UTC day they ended, so the retention sweep reads only days past the period. */
  async listFinished(askId: string, at: number): Promise<void> {
    const day = dayOf(at);
    await this.store.setAdd(sets.finishedDays, day);
    await this.store.setAdd(sets.finishedAsks(day), askId);
  }

  /** Purges every ask that ended on a day entirely before `cutoff`; returns how many. */
  async purgeEndedBefore(cutoff: number, keepGoing: () => Promise<boolean>): Promise<number> {
    let purged = 0;
    const last = dayOf(cutoff - DAY_MS);
    for (const day of (await this.store.setMembers(sets.finishedDays)).filter((d) => d <= last).sort()) {
      for (const id of (await this.store.setMembers(sets.finishedAsks(day))).sort()) {
        if (!(await keepGoing())) return purged;
        const ask = await this.store.get<Ask>(keys.ask(id));
        if (ask && ask.state !== 'open') {
          await this.purge(ask);
          purged++;
        }
        await this.store.setRemove(sets.finishedAsks(day), id);
      }
      await this.store.setRemove(sets.finishedDays, day);
    }
    return purged;
  }

  async purge(ask: Ask): Promise<void> {
    const involved = new Map<string, PersonRef>();
    const add = (p: PersonRef | undefined): void => {
      if (p && p.user !== FORGOTTEN_USER) involved.set(`${p.network}\u0000${p.community}\u0000${p.user}`, p);
    };
    add(ask.asker);
    const replies = await this.load<Reply>(sets.replies(ask.id), keys.reply);
    const offers = await this.load<Offer>(sets.offers(ask.id), keys.offer);
    const intros = await this.load<Intro>(sets.intros(ask.id), keys.intro);
    const copies = await this.load<Copy>(sets.copies(ask.id), keys.copy);
    for (const r of replies) [r.author, ...(r.via ?? [])].forEach(add);
    for (const o of offers) add(o.helper);
    for (const i of intros) [i.asker, i.responder].forEach(add);
    for (const c of copies) [c.person, ...(c.via ?? [])].forEach(add);
    for (const key of await this.store.setMembers(sets.followers(ask.id))) add(parsePersonKey(key));

    // What only the people needed (buttons, DMs about this ask) goes; their index follows.
    for (const p of involved.values()) await this.dropNoted(p, ask.id);
    for (const o of offers) await this.store.delete(keys.offerPair(ask.id, o.helper));
    for (const i of intros) await this.store.delete(keys.introPair(ask.id, i.responder));
    for (const p of involved.values()) await this.unreceive(p, ask.id);
    // The people's own indexes no longer list what no longer names them.
    await this.store.setRemove(sets.asksBy(ask.asker), ask.id);
    for (const r of replies) await this.store.setRemove(sets.repliesBy(r.author), r.id);
    for (const o of offers) await this.store.setRemove(sets.offersBy(o.helper), o.id);
    for (const i of intros) for (const side of [i.asker, i.responder]) await this.store.setRemove(sets.introsWith(side), i.id);
    const followers = await this.store.setMembers(sets.followers(ask.id));
    for (const f of followers) await this.store.setRemove(sets.following(parsePersonKey(f)), ask.id);
    if (followers.length) await this.store.setRemove(sets.followers(ask.id), ...followers);

    // Past retention the console no longer lists it.
    await this.index.forget(ask.id);
    // What others still need keeps its words and communities, without the people.
    await this.store.set(keys.ask(ask.id), anonymous(ask));
    for (const r of replies) await this.store.set(keys.reply(r.id), { ...anonymous(r), anonymous: true });
    for (const o of offers) await this.store.set(keys.offer(o.id), { ...anonymous(o), contact: forgottenCard(o.contact) });
    for (const i of intros) {
      const cards = {
        askerContact: i.askerContact && forgottenCard(i.askerContact),
        responderContact: i.responderContact && forgottenCard(i.responderContact),
      };
      await this.store.set(keys.intro(i.id), { ...anonymous(i), ...cards });
    }
    for (const c of copies) {
      await this.store.set(keys.copy(c.id), { ...anonymous(c), ref: c.person ? undefined : c.ref });
      if (c.ref) {
        const thread = keys.thread(threadOf(c.ref));
        const binding = await this.store.get<unknown>(thread);
        // A DM copy's thread is the person's DM channel: its binding goes with the person.
        if (c.person) await this.store.delete(thread);
        else if (binding !== undefined) await this.store.set(thread, anonymous(binding));
      }
    }
  }

  /** Buttons and DMs about this ask that were noted for the person are deleted. */
  private async dropNoted(person: PersonRef, askId: string): Promise<void> {
    for (const key of await this.people.noted(person)) {
      const kind = kindOfKey(key);
      if (kind === 'action') {
        const b = await this.store.get<ActionBinding>(key);
        if (b && b.askId !== askId) continue;
        await this.people.drop(key);
      } else if (kind === 'delivery') {
        const d = await this.store.get<Delivery>(key);
        if (d && (d.purpose.kind !== 'notify' || d.purpose.askId !== undefined) && d.purpose.askId !== askId) continue;
        await this.people.drop(key);
      } else if (key === keys.ask(askId)) {
        // The ask itself is rewritten below; it no longer names them.
      } else continue;
      await this.people.unnote(person, key);
    }
  }

  /** Release records of this ask in the person's list stop naming who received the contact. */
  private async unreceive(owner: PersonRef, askId: string): Promise<void> {
    const key = keys.releases(owner);
    const list = await this.store.get<ContactRelease[]>(key);
    if (!list?.some((r) => r.askId === askId)) return;
    for (const r of list) if (r.askId === askId) await this.people.unnote(r.to, key);
    await this.store.set(
      key,
      list.map((r) => (r.askId === askId ? { ...r, to: { network: r.to.network, community: r.to.community, user: FORGOTTEN_USER } } : r)),
    );
  }

  private async load<T>(set: string, keyOf: (id: string) => string): Promise<T[]> {
    const found = await Promise.all((await this.store.setMembers(set)).map((id) => this.store.get<T>(keyOf(id))));
    return found.filter((x): x is Awaited<T> => x !== undefined);
  }
}

function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
