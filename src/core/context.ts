import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Store } from '../ports/store.js';
import type { Card } from '../ports/cards.js';
import type { Clock } from '../ports/clock.js';
import type { Deliverer } from './deliverer.js';
import type { Actor } from '../ports/events.js';
import { newId } from './ids.js';
import type { Logger } from '../ports/logger.js';
import type { EngineMetrics } from './metrics.js';
import type { ActionBinding, ActionOp, Author, ContactCard, Delivery, DeliveryPurpose, Profile } from './model.js';
import type { MessageRef, PersonRef, Place } from '../ports/places.js';
import type { Repo } from './repo.js';
import type { EngineSettings } from './settings.js';

/** Button bindings outlive any ask (a digest may be read weeks later), but not forever. */
const ACTION_TTL_MS = 120 * 24 * 3600_000;

/** Everything the engine's parts share. One per engine. */
export class Ctx {
  constructor(
    readonly store: Store,
    readonly repo: Repo,
    readonly clock: Clock,
    readonly log: Logger,
    readonly metrics: EngineMetrics,
    readonly settings: EngineSettings,
    readonly adapters: ReadonlyMap<string, ChatAdapter>,
    readonly deliverer: Deliverer,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** Maps a button to what it does; returns the short opaque key that goes in the card. */
  async bind(b: ActionBinding): Promise<string> {
    const key = newId(16);
    await this.repo.saveAction(key, b, ACTION_TTL_MS);
    return key;
  }

  /**
   * Several buttons of one card that share everything but their op, in one stored record:
   * button `k.0` does `ops[0]`, `k.1` does `ops[1]`... (a copy's four buttons cost one write).
   */
  async bindAll<const Ops extends readonly [ActionOp, ...ActionOp[]]>(
    b: Omit<ActionBinding, 'op' | 'ops'>,
    ops: Ops,
  ): Promise<Record<Ops[number], string>> {
    const key = newId(16);
    await this.repo.saveAction(key, { ...b, op: ops[0], ops: [...ops] }, ACTION_TTL_MS);
    return Object.fromEntries(ops.map((op, i) => [op, `${key}.${i}`])) as Record<Ops[number], string>;
  }

  /** The binding behind a button id made by `bind` or `bindAll`. */
  async binding(actionId: string): Promise<ActionBinding | undefined> {
    const dot = actionId.lastIndexOf('.');
    if (dot < 0) return this.repo.action(actionId);
    const found = await this.repo.action(actionId.slice(0, dot));
    const op = found?.ops?.[Number(actionId.slice(dot + 1))];
    return found && op ? { ...found, op } : undefined;
  }

  communityName(network: string, community: string, reported?: string): string {
    return this.settings.communityNames[`${network}:${community}`] ?? reported ?? community;
  }

  author(actor: Actor, reportedCommunityName?: string): Author {
    return {
      network: actor.network,
      community: actor.community,
      user: actor.user,
      name: actor.name,
      communityName: this.communityName(actor.network, actor.community, reportedCommunityName),
    };
  }

  /** The presser's contact, captured at the press that gave consent to share it. */
  contactOf(actor: Actor, profile: Profile | undefined, communityName: string): ContactCard {
    return {
      name: actor.name,
      communityName,
      network: actor.network,
      text: profile?.contact,
      handle: actor.handle,
      profileUrl: actor.profileUrl,
    };
  }

  /** A private line to one person, where they are. Best effort: a lost notice loses no data. */
  async notice(to: PersonRef, where: Place, text: string): Promise<void> {
    const adapter = this.adapters.get(to.network);
    if (!adapter) return;
    try {
      await adapter.notice(to, where, text);
    } catch (err) {
      this.log.warn({ err, network: to.network }, 'notice not delivered');
    }
  }

  /**
   * Outbox entries. Pass a stable `id` (stableId) for work that may be redone (a digest rebuilt
   * after a crash, an event replayed): it is then written once. Without one, a fresh id.
   */
  async post(place: Place, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'post', place }, card, purpose, id);
  }

  async dm(person: PersonRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'dm', person }, card, purpose, id);
  }

  async edit(ref: MessageRef, card: Card, purpose: DeliveryPurpose, id?: string): Promise<string> {
    return this.enqueue({ kind: 'update', ref }, card, purpose, id);
  }

  private async enqueue(target: Delivery['target'], card: Card, purpose: DeliveryPurpose, stable?: string): Promise<string> {
    if (stable !== undefined) {
      const existing = await this.repo.delivery(stable);
      if (existing) {
        await this.deliverer.ensureQueued(existing);
        return stable;
      }
    }
    const id = stable ?? newId();
    const now = this.now();
    await this.deliverer.enqueue({ id, target, purpose, state: 'pending', attempts: 0, notBefore: now, createdAt: now }, card);
    return id;
  }
}
