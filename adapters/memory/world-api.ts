import type { Card, PersonRef, Place } from '../../src/ports/index.js';
import { PlatformError, type StoredMessage } from './world-types.js';
import type { MemoryWorld } from './world.js';

/**
 * The memory platform's web API, as the adapter calls it. It answers like a platform: a
 * stored message, or a `PlatformError` with a code the adapter maps to a `DeliveryError`.
 * Text arrives already rendered; the platform only stores and shows it.
 */
export class WorldApi {
  constructor(private readonly world: MemoryWorld) {}

  /**
   * Post as the bot in a channel, thread or DM channel. A key seen before on this network returns
   * the message it made and posts nothing: the measure (nonce, metadata) each real adapter takes.
   */
  postMessage(network: string, to: Place, msg: { text: string; card: Card; idempotencyKey: string; opensThread: boolean }): StoredMessage {
    return this.guard(() => {
      const w = this.world;
      const net = w.net(network);
      net.faults.check(to.channel);
      const ch = w.channel(network, to.community, to.channel);
      if (ch.archived) throw new PlatformError('channel_not_found', `channel ${to.channel} is archived`);
      if (to.thread !== undefined) w.threadRoot({ ...to, network });
      if (ch.dmOf !== undefined && net.faults.dmsClosed(to.community, ch.dmOf)) {
        throw new PlatformError('dm_closed', `${ch.dmOf} does not accept DMs from the bot`);
      }
      const seen = net.keys.get(msg.idempotencyKey);
      const earlier = seen === undefined ? undefined : w.messages.get(seen);
      if (earlier) {
        w.stats.deduped += 1;
        return earlier;
      }
      net.gate.pass(to.community, to.channel);
      const stored = w.store({
        network,
        community: to.community,
        channel: to.channel,
        // Threads do not nest: a card asking for a thread inside a thread stays in that thread.
        thread: to.thread,
        author: net.botUser,
        byBot: true,
        text: msg.text,
        card: msg.card,
        file: msg.card.file,
        idempotencyKey: msg.idempotencyKey,
        opensThread: msg.opensThread && to.thread === undefined,
        direct: ch.dmOf !== undefined,
      });
      net.keys.set(msg.idempotencyKey, stored.id);
      if (stored.direct) w.stats.dms += 1;
      else w.stats.posts += 1;
      net.faults.afterPost(stored.id);
      return stored;
    });
  }

  /** The bot's DM channel with a member; opening one is allowed even when their DMs are closed. */
  openDm(network: string, person: PersonRef): Place {
    return this.guard(() => this.world.dmPlace({ ...person, network }));
  }

  /**
   * A live message the bot wrote, for an update or a delete: message_not_found when there is
   * none (or it is gone), the channel's injected fault, then cant_update_message for anyone else's.
   */
  private botMessage(network: string, id: string): StoredMessage {
    const stored = this.world.messages.get(id);
    if (!stored || stored.network !== network || stored.deleted) {
      throw new PlatformError('message_not_found', `no message ${id} on ${network}`);
    }
    this.world.net(network).faults.check(stored.channel);
    if (!stored.byBot) throw new PlatformError('cant_update_message', `${id} was not written by the bot`);
    return stored;
  }

  /** Replace the text and card of a message the bot wrote. */
  updateMessage(network: string, id: string, msg: { text: string; card: Card }): void {
    this.guard(() => {
      const w = this.world;
      const stored = this.botMessage(network, id);
      stored.history.push(stored.text);
      stored.text = msg.text;
      stored.card = msg.card;
      w.stats.updates += 1;
      w.changed();
    });
  }

  /** Delete a message the bot wrote; message_not_found once it is gone. */
  deleteMessage(network: string, id: string): void {
    this.guard(() => {
      const w = this.world;
      const stored = this.botMessage(network, id);
      stored.deleted = true;
      w.stats.deletes += 1;
      w.changed();
    });
  }

  /** A line only `to` sees, where they are. */
  notice(network: string, to: PersonRef, where: Place, text: string): void {
    this.guard(() => {
      const w = this.world;
      w.net(network).faults.check(where.channel);
      w.member({ ...to, network });
      w.channel(network, where.community, where.channel);
      w.notices.push({
        network,
        community: to.community,
        user: to.user,
        channel: where.channel,
        thread: where.thread,
        text,
        at: w.wallNow(),
      });
      w.stats.notices += 1;
      w.changed();
    });
  }

  private guard<T>(call: () => T): T {
    try {
      return call();
    } catch (err) {
      if (err instanceof PlatformError) {
        this.world.stats.failures += 1;
        if (err.code === 'rate_limited') this.world.stats.rateLimited += 1;
      }
      throw err;
    }
  }
}
