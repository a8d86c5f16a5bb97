/**
 * The neutral message model. The engine builds cards; every adapter renders them
 * (Block Kit, Discord components, plain text) so a new button needs no adapter change.
 *
 * Every string in a card is treated as untrusted by the adapters: they escape or neutralise
 * mention syntax in all of it, not only in `quote` blocks, because names and topics are user
 * input too. Nothing the bot sends ever needs a live mention.
 */

export type Block =
  /** A sentence written by feelers (may contain names, which adapters still neutralise). */
  | { readonly type: 'text'; readonly text: string }
  /** Text written by a person and relayed, with who wrote it. */
  | { readonly type: 'quote'; readonly text: string; readonly by?: string | undefined }
  /** A row of buttons. */
  | { readonly type: 'buttons'; readonly buttons: readonly Button[] }
  /** A visual break between items of a digest. */
  | { readonly type: 'divider' };

export interface Button {
  /** Short opaque key (<= 32 characters) mapped in the store; Discord allows 100 for custom_id. */
  readonly id: string;
  readonly label: string;
  readonly style?: 'primary' | 'danger' | undefined;
  /**
   * When set, pressing the button opens this form straight from the adapter, inside the
   * platform's first-response window (Slack's trigger_id lives 3 s; Discord wants the modal as
   * the interaction's first response). The submission reaches the core as an `action` event
   * with `form` filled in.
   */
  readonly form?: Form | undefined;
}

export interface Form {
  readonly title: string;
  /** 'text': one free-text field. 'person': pick one member of the presser's community. */
  readonly kind: 'text' | 'person';
  readonly label: string;
  readonly placeholder?: string | undefined;
  readonly submitLabel?: string | undefined;
  /** Longest accepted text, for 'text' forms. */
  readonly maxLength?: number | undefined;
}

export interface Card {
  /** Plain-text summary: notification text, screen readers, and the fallback rendering. */
  readonly summary: string;
  readonly blocks: readonly Block[];
  /**
   * Ask cards and copies open a thread where replies are written. Slack threads every message;
   * Discord needs a thread started on the message, named with this title.
   */
  readonly thread?: { readonly title: string } | undefined;
  /**
   * A text file sent with the message (e.g. `/feelers my-data`'s JSON). Adapters attach it as
   * the platform does (Slack's upload flow, Discord's multipart `files[0]`) in the same channel
   * or DM as the card. One that cannot attach files appends `text` to the message instead. The
   * file is the reader's own data, passed on byte for byte: it is never mention-escaped,
   * because a file does not ping and its content must stay exact.
   */
  readonly file?: CardFile | undefined;
}

export interface CardFile {
  /** File name as the person sees it, e.g. `feelers-my-data.json`. */
  readonly name: string;
  /** MIME type, e.g. `application/json`. */
  readonly mime: string;
  /** The content, UTF-8 text. */
  readonly text: string;
}

/** Every button in a card, in order. */
export function buttonsOf(card: Card): Button[] {
  return card.blocks.flatMap((b) => (b.type === 'buttons' ? [...b.buttons] : []));
}

/** A card as plain text: what a network without rich messages shows. Adapters may reuse it. */
export function cardToText(card: Card): string {
  const lines: string[] = [];
  for (const b of card.blocks) {
    if (b.type === 'text') lines.push(b.text);
    else if (b.type === 'quote') {
      lines.push(...b.text.split('\n').map((l) => `> ${l}`));
      if (b.by) lines.push(`— ${b.by}`);
    } else if (b.type === 'buttons') lines.push(b.buttons.map((x) => `[${x.label}]`).join(' '));
    else lines.push('---');
  }
  return lines.join('\n');
}
