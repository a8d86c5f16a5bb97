import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Logger } from '../ports/logger.js';
import type { MessageRef, PersonRef } from '../ports/places.js';

/** What the engine asks of a network itself, beyond sending: forgetting a person it keeps state about. */
export class Networks {
  constructor(
    private readonly adapters: ReadonlyMap<string, ChatAdapter>,
    private readonly log: Logger,
  ) {}

  /** A link to a message, where its network can make one. */
  linkTo(ref: MessageRef): string | undefined {
    return this.adapters.get(ref.network)?.linkTo?.(ref);
  }

  /** Whether the network can replace a message it sent (email cannot); unknown networks can. */
  canEdit(network: string): boolean {
    return this.adapters.get(network)?.capabilities?.edits !== false;
  }

  /** Whether the network can neither delete nor replace a message it sent (email): a change then goes as a follow-up. */
  keepsSent(network: string): boolean {
    const adapter = this.adapters.get(network);
    return adapter !== undefined && adapter.delete === undefined && adapter.capabilities?.edits === false;
  }

  /** The person's own network drops what its adapter keeps about them (best effort: logged if not). */
  async forget(person: PersonRef): Promise<void> {
    const adapter = this.adapters.get(person.network);
    if (!adapter?.forget) return;
    try {
      await adapter.forget(person);
    } catch (err) {
      this.log.warn({ err, network: person.network }, 'the network could not forget a person');
    }
  }
}
