import type { AdapterState, MessageRef, Place } from '../../src/ports/index.js';

/** How long feelers remembers where a mail belongs: longer than an ask lives, extended or not. */
const KEEP_MS = 120 * 24 * 3600_000;

export interface MessageRecord {
  /** The thread (or channel) a reply to this message belongs to. */
  readonly place: Place;
  /** The thread's subject, for "Re:" in what follows. */
  readonly subject: string;
}

export interface TokenRecord {
  readonly place: Place;
  /** Set when the plus-address was mailed to one person only: then only their mail may use it. */
  readonly user?: string | undefined;
}

/** What the adapter keeps in feelers' store (AdapterState): message ids, reply tokens, sends done. */
export class Threads {
  constructor(private readonly state: AdapterState) {}

  message(id: string): Promise<MessageRecord | undefined> {
    return this.state.get<MessageRecord>('msg', id);
  }

  async firstKnown(ids: readonly string[]): Promise<MessageRecord | undefined> {
    for (const id of ids) {
      const found = await this.message(id);
      if (found) return found;
    }
    return undefined;
  }

  remember(id: string, rec: MessageRecord): Promise<void> {
    return this.state.set('msg', id, rec, KEEP_MS);
  }

  token(token: string): Promise<TokenRecord | undefined> {
    return this.state.get<TokenRecord>('token', token);
  }

  /** A send already done under this idempotency key. */
  sent(key: string): Promise<MessageRef | undefined> {
    return this.state.get<MessageRef>('sent', key);
  }

  /**
   * What a send leaves, in one store write: where a reply by its plus-address and one by its
   * Message-ID belong, and the send done under its idempotency key. Written after the relay
   * took the mail: a crash before it leaves the send unmarked, so it is sent again with the same
   * Message-ID and token (both derived from the send), and this is written then.
   */
  recordSend(s: {
    readonly key: string;
    readonly ref: MessageRef;
    readonly message: MessageRecord;
    readonly token: string;
    readonly reply: TokenRecord;
  }): Promise<void> {
    return this.state.setAll([
      { kind: 'token', id: s.token, value: s.reply, ttlMs: KEEP_MS },
      { kind: 'msg', id: s.ref.id, value: s.message, ttlMs: KEEP_MS },
      { kind: 'sent', id: s.key, value: s.ref, ttlMs: KEEP_MS },
    ]);
  }

  nameOf(address: string): Promise<string | undefined> {
    return this.state.get<string>('name', address);
  }

  async forgetName(address: string): Promise<void> {
    await this.state.delete('name', address);
  }

  rememberName(address: string, name: string): Promise<void> {
    return this.state.set('name', address, name, KEEP_MS);
  }
}
