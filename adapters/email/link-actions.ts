import type { Actor, Clock, EventSink, PersonRef } from '../../src/ports/index.js';
import { normalise, type Directory } from './addresses.js';
import type { LinkPress, LinkSigner } from './links.js';
import type { Threads } from './threads.js';

/** What a link page shows before anything is done. */
export type LinkInfo =
  | { readonly ok: true; readonly label: string; readonly personal: boolean; readonly form?: LinkPress['f'] }
  | { readonly ok: false; readonly why: 'invalid' | 'expired' };

/** What the page's POST carries. */
export interface LinkInput {
  readonly address?: string | undefined;
  readonly text?: string | undefined;
  readonly person?: string | undefined;
}

export type LinkOutcome =
  | { readonly kind: 'done' }
  /** A link from a list mail: a personal one went to the address given (if it belongs to a community). */
  | { readonly kind: 'mailed' }
  | {
      readonly kind: 'refused';
      readonly why: 'invalid' | 'expired' | 'missing_address' | 'missing_text' | 'unknown_person' | 'unavailable';
    };

export interface LinkActionsDeps {
  readonly signer: LinkSigner;
  readonly directory: Directory;
  readonly threads: Threads;
  readonly network: string;
  readonly clock: Clock;
  readonly ttlMs: number;
  readonly sink: () => EventSink | undefined;
  readonly mailLink: (to: string, press: LinkPress) => Promise<void>;
}

/** The path the link pages are mounted at. */
export const LINK_PATH = '/email/link';
export const UNSUBSCRIBE_PATH = '/email/unsubscribe';
/** The action id an unsubscribe link carries; it becomes `/feelers optout` from that person. */
const OPT_OUT = '~optout';

/**
 * A press arrives as the POST of a link page. A link in a list's mail is everyone's, so it
 * proves nobody: its POST asks for an address and mails that address a link of its own; only a
 * link mailed to one person (its `u`) acts, in that person's name.
 */
export class LinkActions {
  constructor(private readonly d: LinkActionsDeps) {}

  urlFor(base: string, press: LinkPress): string {
    return `${base.replace(/\/+$/, '')}${LINK_PATH}?t=${this.d.signer.sign(press)}`;
  }

  unsubscribeUrl(base: string, community: string, address: string): string {
    // An unsubscribe link must keep working long after the mail (RFC 8058 gives no expiry): a year.
    const press: LinkPress = {
      a: OPT_OUT,
      l: 'Unsubscribe',
      c: community,
      ch: `dm:${address}`,
      u: address,
      x: this.d.clock.now() + 365 * 24 * 3600_000,
    };
    return `${base.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}?t=${this.d.signer.sign(press)}`;
  }

  info(token: string): LinkInfo {
    const v = this.d.signer.verify(token, this.d.clock.now());
    if (!v.ok) return v;
    return { ok: true, label: v.press.l, personal: v.press.u !== undefined, form: v.press.f };
  }

  async follow(token: string, input: LinkInput): Promise<LinkOutcome> {
    const v = this.d.signer.verify(token, this.d.clock.now());
    if (!v.ok) return { kind: 'refused', why: v.why };
    const press = v.press;
    if (press.u === undefined) {
      const address = input.address ? normalise(input.address) : undefined;
      if (!address || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return { kind: 'refused', why: 'missing_address' };
      // The same answer whether or not the address belongs to a community: the page tells nobody who is a member.
      if (this.d.directory.communityOf(address)) {
        await this.d.mailLink(address, { ...press, u: address, x: this.d.clock.now() + this.d.ttlMs });
      }
      return { kind: 'mailed' };
    }
    const sink = this.d.sink();
    if (!sink) return { kind: 'refused', why: 'unavailable' };
    const community = this.d.directory.communityOf(press.u);
    if (!community) return { kind: 'refused', why: 'unknown_person' };
    const actor: Actor = {
      network: this.d.network,
      community: community.id,
      user: press.u,
      name: (await this.d.threads.nameOf(press.u)) ?? press.u.slice(0, press.u.indexOf('@')),
      isBot: false,
      isSelf: false,
      rights: { admin: false, manageChannel: false },
      handle: press.u,
    };
    const place = { network: this.d.network, community: press.c, channel: press.ch, thread: press.th };
    // One event id per link and answer: a second POST of the same page is the same press, dropped by the core.
    const id = `${this.d.network}:link:${this.d.signer.short(token, input.text ?? '', input.person ?? '')}`;
    if (press.a === OPT_OUT) {
      await sink({ kind: 'command', id, actor, place, name: 'feelers', text: 'optout', direct: true });
      return { kind: 'done' };
    }
    let form: { text?: string; person?: PersonRef } | undefined;
    if (press.f?.k === 't') {
      const text = input.text?.slice(0, press.f.mx ?? 4000);
      if (!text) return { kind: 'refused', why: 'missing_text' };
      form = { text };
    } else if (press.f?.k === 'p') {
      const picked = input.person ? normalise(input.person) : '';
      const of = this.d.directory.communityOf(picked);
      if (!of) return { kind: 'refused', why: 'unknown_person' };
      form = { person: { network: this.d.network, community: of.id, user: picked } };
    }
    await sink({ kind: 'action', id, actor, place, actionId: press.a, ...(form ? { form } : {}) });
    return { kind: 'done' };
  }
}
