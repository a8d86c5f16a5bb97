import type {
  ActionBinding,
  Ask,
  Copy,
  Delivery,
  Ground,
  Intro,
  Offer,
  OpenPrompt,
  Profile,
  Reply,
} from './model.js';
import type { Card } from '../ports/cards.js';
import type { MessageRef, PersonRef, Place } from '../ports/places.js';
import { channelOf, personKey, placeKey } from '../ports/places.js';
import type { Store } from '../ports/store.js';

/** What a thread or a bot message belongs to. */
export interface ThreadBinding {
  readonly askId: string;
  readonly copyId?: string | undefined;
  /** What a reply needs of the copy, kept here so collecting a reply reads one key, not two. */
  readonly copy?: CopyInfo | undefined;
}

export type CopyInfo = Pick<Copy, 'id' | 'kind' | 'communityName' | 'via'>;

/** Set names: the engine's indexes (keyv has no scan, so every query the engine makes is a set). */
export const sets = {
  openAsks: 'open-asks',
  /** Asks with replies or offers not yet digested. */
  dirtyAsks: 'dirty-asks',
  /** Items (`reply:<id>`, `offer:<id>`) of one ask not yet digested. */
  fresh: (askId: string) => `fresh:${askId}`,
  replies: (askId: string) => `replies:${askId}`,
  copies: (askId: string) => `copies:${askId}`,
  followers: (askId: string) => `followers:${askId}`,
  intros: (askId: string) => `intros:${askId}`,
  grounds: 'grounds',
  experts: (topic: string) => `experts:${topic}`,
  /** Replies one person wrote: forget-me makes them anonymous. */
  repliesBy: (person: PersonRef) => `replies-by:${personKey(person)}`,
  following: (person: PersonRef) => `following:${personKey(person)}`,
  outbox: 'outbox',
} as const;

/** Typed access to the engine's documents: the key of each kind of record is written here only. */
export class Repo {
  constructor(readonly store: Store) {}

  ask(id: string): Promise<Ask | undefined> {
    return this.store.get<Ask>(`ask:${id}`);
  }
  saveAsk(a: Ask): Promise<void> {
    return this.store.set(`ask:${a.id}`, a);
  }
  /** Kept apart from the ask so the deliverer and the asker never overwrite each other's writes. */
  askCard(id: string): Promise<MessageRef | undefined> {
    return this.store.get<MessageRef>(`ask-card:${id}`);
  }
  saveAskCard(id: string, ref: MessageRef): Promise<void> {
    return this.store.set(`ask-card:${id}`, ref);
  }

  copy(id: string): Promise<Copy | undefined> {
    return this.store.get<Copy>(`copy:${id}`);
  }
  saveCopy(c: Copy): Promise<void> {
    return this.store.set(`copy:${c.id}`, c);
  }

  reply(id: string): Promise<Reply | undefined> {
    return this.store.get<Reply>(`reply:${id}`);
  }
  saveReply(r: Reply): Promise<void> {
    return this.store.set(`reply:${r.id}`, r);
  }

  offer(id: string): Promise<Offer | undefined> {
    return this.store.get<Offer>(`offer:${id}`);
  }
  saveOffer(o: Offer): Promise<void> {
    return this.store.set(`offer:${o.id}`, o);
  }

  intro(id: string): Promise<Intro | undefined> {
    return this.store.get<Intro>(`intro:${id}`);
  }
  saveIntro(i: Intro): Promise<void> {
    return this.store.set(`intro:${i.id}`, i);
  }

  ground(p: Place): Promise<Ground | undefined> {
    return this.store.get<Ground>(`ground:${placeKey(channelOf(p))}`);
  }
  async saveGround(g: Ground): Promise<void> {
    const key = placeKey(channelOf(g.place));
    await this.store.set(`ground:${key}`, g);
    await this.store.setAdd(sets.grounds, key);
  }
  async deleteGround(p: Place): Promise<boolean> {
    const key = placeKey(channelOf(p));
    await this.store.setRemove(sets.grounds, key);
    return this.store.delete(`ground:${key}`);
  }
  async allGrounds(): Promise<Ground[]> {
    const keys = await this.store.setMembers(sets.grounds);
    const found = await Promise.all(keys.map((k) => this.store.get<Ground>(`ground:${k}`)));
    return found.filter((g): g is Ground => g !== undefined);
  }
  /** A YAML ground someone disconnected in chat stays disconnected across restarts. */
  groundRemovedByChat(p: Place): Promise<boolean> {
    return this.store.get<boolean>(`ground-removed:${placeKey(channelOf(p))}`).then((v) => v === true);
  }
  markGroundRemovedByChat(p: Place, removed: boolean): Promise<void | boolean> {
    const key = `ground-removed:${placeKey(channelOf(p))}`;
    return removed ? this.store.set(key, true) : this.store.delete(key);
  }

  profile(p: PersonRef): Promise<Profile | undefined> {
    return this.store.get<Profile>(`person:${personKey(p)}`);
  }
  saveProfile(p: Profile): Promise<void> {
    return this.store.set(`person:${personKey(p)}`, p);
  }
  deleteProfile(p: PersonRef): Promise<boolean> {
    return this.store.delete(`person:${personKey(p)}`);
  }

  prompts(p: PersonRef): Promise<OpenPrompt[]> {
    return this.store.get<OpenPrompt[]>(`prompts:${personKey(p)}`).then((v) => v ?? []);
  }
  savePrompts(p: PersonRef, prompts: OpenPrompt[]): Promise<void | boolean> {
    const key = `prompts:${personKey(p)}`;
    return prompts.length === 0 ? this.store.delete(key) : this.store.set(key, prompts);
  }

  threadBinding(thread: Place): Promise<ThreadBinding | undefined> {
    return this.store.get<ThreadBinding>(`thread:${placeKey(thread)}`);
  }
  bindThread(thread: Place, b: ThreadBinding): Promise<void> {
    return this.store.set(`thread:${placeKey(thread)}`, b);
  }
  action(key: string): Promise<ActionBinding | undefined> {
    return this.store.get<ActionBinding>(`act:${key}`);
  }
  saveAction(key: string, b: ActionBinding, ttlMs: number): Promise<void> {
    return this.store.set(`act:${key}`, b, ttlMs);
  }

  delivery(id: string): Promise<Delivery | undefined> {
    return this.store.get<Delivery>(`delivery:${id}`);
  }
  saveDelivery(d: Delivery, ttlMs?: number): Promise<void> {
    return this.store.set(`delivery:${d.id}`, d, ttlMs);
  }
  deliveryCard(id: string): Promise<Card | undefined> {
    return this.store.get<Card>(`delivery-card:${id}`);
  }
  /** Cards expire on their own: a delivery not sent within weeks has long failed or been sent. */
  saveDeliveryCard(id: string, card: Card): Promise<void> {
    return this.store.set(`delivery-card:${id}`, card, 30 * 24 * 3600_000);
  }

  /** Loads every id of a set, skipping ids whose document is gone. */
  async loadAll<T>(ids: readonly string[], load: (id: string) => Promise<T | undefined>): Promise<T[]> {
    const found = await Promise.all(ids.map(load));
    return found.filter((x): x is Awaited<T> => x !== undefined) as T[];
  }
}
