import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Logger } from '../ports/logger.js';
import type { PersonRef, Place } from '../ports/places.js';

/**
 * Private lines to one person where they are (Slack ephemeral, Discord ephemeral reply or DM).
 * Best effort and never queued: a notice answers something the person just did, and a lost
 * one loses no data.
 */
export class Notices {
  constructor(
    private readonly adapters: ReadonlyMap<string, ChatAdapter>,
    private readonly log: Logger,
  ) {}

  async send(to: PersonRef, where: Place, text: string): Promise<void> {
    const adapter = this.adapters.get(to.network);
    if (!adapter) return;
    try {
      await adapter.notice(to, where, text);
    } catch (err) {
      this.log.warn({ err, network: to.network }, 'notice not delivered');
    }
  }
}
