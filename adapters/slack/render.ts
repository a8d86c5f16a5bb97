import type { Button, Card, Form } from '../../src/ports/index.js';
import { clip, escapeSlack, splitText } from './sanitize.js';

/** The slice of Block Kit feelers writes; Slack validates the rest server-side. */
export type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  /** Notification and screen-reader text; Slack also shows it where blocks cannot render. */
  readonly text: string;
  readonly blocks: SlackBlock[];
}

/** Slack rejects a section whose text passes 3,000 characters (invalid_blocks). */
export const SECTION_MAX = 3000;
/** Slack rejects a message with more than 50 blocks. */
export const BLOCKS_MAX = 50;
/** An actions block holds at most 25 elements. */
const ACTIONS_MAX = 25;
/** Button text is plain_text of at most 75 characters; value at most 2,000. */
const LABEL_MAX = 75;
const VALUE_MAX = 2000;
/** Top-level `text` is what notifications show; keep it well inside the 4,000 Slack recommends. */
const FALLBACK_MAX = 3000;

/** Escapes, then shortens on the raw text until the escaped form fits, so no entity is cut. */
export function escapeWithin(raw: string, max: number): string {
  let out = escapeSlack(raw);
  let keep = raw.length;
  while (out.length > max && keep > 0) {
    keep = Math.max(0, keep - Math.max(1, out.length - max));
    out = escapeSlack(clip(raw, keep));
  }
  return out;
}

/**
 * Text objects are mrkdwn with `verbatim: true`: without it Slack "automatically parses
 * certain mentions" and links channel names in the text, which is exactly what relayed user
 * text must never do.
 */
function mrkdwn(text: string): Record<string, unknown> {
  return { type: 'mrkdwn', text, verbatim: true };
}

function sections(escaped: string): SlackBlock[] {
  return splitText(escaped, SECTION_MAX).map((t) => ({ type: 'section', text: mrkdwn(t || ' ') }));
}

/**
 * A button that opens a form carries the form in its `value`, so whichever instance receives
 * the press can open the modal at once, within trigger_id's 3 s, with no store lookup.
 */
export function buttonValue(b: Button): string {
  if (!b.form) return b.id;
  const value = JSON.stringify({ form: b.form });
  return value.length <= VALUE_MAX ? value : b.id;
}

function renderButton(b: Button): SlackBlock {
  const el: SlackBlock = {
    type: 'button',
    action_id: b.id,
    text: { type: 'plain_text', text: escapeWithin(b.label, LABEL_MAX) || '…', emoji: true },
    value: buttonValue(b),
  };
  if (b.style) el.style = b.style;
  return el;
}

function renderBlocks(card: Card): SlackBlock[] {
  const out: SlackBlock[] = [];
  for (const b of card.blocks) {
    if (b.type === 'text') out.push(...sections(escapeSlack(b.text)));
    else if (b.type === 'quote') {
      // The leading `>` is feelers' own quote markup; only the person's words are escaped.
      const quoted = escapeSlack(b.text)
        .split('\n')
        .map((l) => `>${l}`)
        .join('\n');
      out.push(...sections(quoted));
      if (b.by) out.push({ type: 'context', elements: [mrkdwn(`— ${escapeWithin(b.by, SECTION_MAX - 2)}`)] });
    } else if (b.type === 'buttons') {
      for (let i = 0; i < b.buttons.length; i += ACTIONS_MAX) {
        out.push({ type: 'actions', elements: b.buttons.slice(i, i + ACTIONS_MAX).map(renderButton) });
      }
    } else out.push({ type: 'divider' });
  }
  return out;
}

/**
 * A card as one or more Slack messages: a card longer than 50 blocks becomes several
 * messages, posted in order. Every string from the card is escaped.
 */
export function renderCard(card: Card): SlackMessage[] {
  const blocks = renderBlocks(card);
  const summary = escapeWithin(card.summary, FALLBACK_MAX) || ' ';
  if (blocks.length <= BLOCKS_MAX) return [{ text: summary, blocks }];
  const messages: SlackMessage[] = [];
  const total = Math.ceil(blocks.length / BLOCKS_MAX);
  for (let i = 0; i < total; i++) {
    const text = i === 0 ? summary : escapeWithin(`${card.summary} (${i + 1}/${total})`, FALLBACK_MAX);
    messages.push({ text, blocks: blocks.slice(i * BLOCKS_MAX, (i + 1) * BLOCKS_MAX) });
  }
  return messages;
}

/** Where a form was opened from, carried through the modal's private_metadata. */
export interface FormOrigin {
  readonly team: string;
  readonly channel?: string | undefined;
  readonly thread?: string | undefined;
}

export const FORM_BLOCK_ID = 'feelers_form';
export const FORM_ACTION_ID = 'value';

/** Modal limits: title and submit 24 characters, label 2,000, placeholder 150. */
export function renderFormModal(actionId: string, form: Form, origin: FormOrigin): SlackBlock {
  const placeholder = form.placeholder ? { placeholder: { type: 'plain_text', text: escapeWithin(form.placeholder, 150) } } : {};
  const element: SlackBlock =
    form.kind === 'person'
      ? { type: 'users_select', action_id: FORM_ACTION_ID, ...placeholder }
      : {
          type: 'plain_text_input',
          action_id: FORM_ACTION_ID,
          multiline: true,
          ...(form.maxLength ? { max_length: Math.min(form.maxLength, 3000) } : {}),
          ...placeholder,
        };
  return {
    type: 'modal',
    callback_id: actionId,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: escapeWithin(form.title, 24) || 'feelers' },
    submit: { type: 'plain_text', text: escapeWithin(form.submitLabel ?? 'Send', 24) },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: FORM_BLOCK_ID,
        label: { type: 'plain_text', text: escapeWithin(form.label, 2000) || ' ' },
        element,
      },
    ],
  };
}
