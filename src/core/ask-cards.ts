import type { Block, Button, Card } from '../ports/cards.js';
import type { Ask, Author, CopyKind } from './model.js';
import { excerpt, plural } from './text.js';
import { shownName } from './names.js';

/** Where the copies of an ask went, for the ask card. */
export interface Reach {
  readonly channels: number;
  readonly communities: number;
  readonly people: number;
  /** The communities' names, so the card says where the copies went (at most a few are named). */
  readonly names?: readonly string[] | undefined;
}

/** Community names written out on an ask card before "and N more". */
const NAMED_COMMUNITIES = 5;

export function topicsLine(ask: Ask): string {
  return ask.topics.length ? `Topics: ${ask.topics.map((t) => `#${t}`).join(' ')}` : '';
}

function reachLine(r: Reach): string {
  if (r.channels === 0 && r.people === 0) {
    return 'No other channel is connected yet, so this stays here for now. An admin can connect channels with `/feelers connect`.';
  }
  const parts: string[] = [];
  if (r.channels) parts.push(`${plural(r.channels, 'channel')} in ${plural(r.communities, 'community', 'communities')}${namesOf(r)}`);
  if (r.people) parts.push(`${plural(r.people, 'person', 'people')} who ${r.people === 1 ? 'knows' : 'know'} the topic`);
  return `Feelers are out: a copy went to ${parts.join(' and ')}. Replies will be gathered in this thread as digests.`;
}

function namesOf(r: Reach): string {
  const names = r.names ?? [];
  if (names.length === 0) return '';
  const more = names.length - NAMED_COMMUNITIES;
  return ` (${names.slice(0, NAMED_COMMUNITIES).join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
}

export function askCard(ask: Ask, reach: Reach, keys: { follow: string; close: string; retract: string }): Card {
  const blocks: Block[] = [
    { type: 'text', text: `${ask.asker.name} asks:` },
    { type: 'quote', text: ask.text },
  ];
  const topics = topicsLine(ask);
  if (topics) blocks.push({ type: 'text', text: topics });
  blocks.push({ type: 'text', text: reachLine(reach) });
  blocks.push({
    type: 'buttons',
    buttons: [
      { id: keys.follow, label: 'Follow' },
      { id: keys.close, label: 'Close', style: 'danger' },
      { id: keys.retract, label: 'Retract' },
    ],
  });
  return { summary: `${ask.asker.name} asks: ${excerpt(ask.text)}`, blocks, thread: { title: excerpt(ask.text, 90) } };
}

/** The ask card once closed or expired; Retract stays, since the copies still show the question. */
export function closedAskCard(ask: Ask, closing: string, retractKey?: string): Card {
  const blocks: Block[] = [
    { type: 'text', text: `${ask.asker.name} asked:` },
    { type: 'quote', text: ask.text },
    { type: 'text', text: closing },
  ];
  if (retractKey) blocks.push({ type: 'buttons', buttons: [{ id: retractKey, label: 'Retract' }] });
  return { summary: `${ask.asker.name} asked: ${excerpt(ask.text)} (closed)`, blocks };
}

export interface CopyKeys {
  readonly help: string;
  readonly refer: string;
  readonly answer: string;
  readonly follow: string;
  /** Anyone may report a copy; only an admin of the receiving community may remove it (actions decide). */
  readonly report: string;
  readonly remove: string;
}

export function copyButtons(keys: CopyKeys, asker: Author): Button[] {
  return [
    { id: keys.help, label: 'I can help', style: 'primary' },
    {
      id: keys.refer,
      label: 'I know someone',
      form: {
        title: 'Who should see this?',
        kind: 'person',
        label: 'Pick the person feelers should ask',
        submitLabel: 'Send them the question',
      },
    },
    {
      id: keys.answer,
      label: 'Answer',
      form: {
        title: 'Answer the question',
        kind: 'text',
        label: `Your answer for ${shownName(asker)}`,
        placeholder: 'What do you know about this?',
        submitLabel: 'Send answer',
        maxLength: 3000,
      },
    },
    { id: keys.follow, label: 'Follow' },
  ];
}

/** A copy: in a ground's channel, or by DM to an expert (prod) or a referred person. */
export function copyCard(ask: Ask, kind: CopyKind, keys: CopyKeys, via: readonly Author[] = [], why?: string): Card {
  const who = `${shownName(ask.asker)} in ${ask.asker.communityName}`;
  const blocks: Block[] = [];
  if (kind === 'referral' && via[0]) {
    blocks.push({ type: 'text', text: `${shownName(via[0])} (${via[0].communityName}) thought you might know.` });
  } else if (why) {
    // Why this copy came: learned help (a prod) or a widening (a ground), docs/routing.md.
    blocks.push({ type: 'text', text: why });
  } else if (kind === 'prod') {
    blocks.push({ type: 'text', text: `You said you know about ${ask.topics.map((t) => `#${t}`).join(' ')}, so feelers thought of you.` });
  }
  blocks.push({ type: 'text', text: `${who} asks:` });
  blocks.push({ type: 'quote', text: ask.text });
  const topics = topicsLine(ask);
  if (topics && kind === 'ground') blocks.push({ type: 'text', text: topics });
  blocks.push({
    type: 'text',
    text:
      kind === 'ground'
        ? `Reply in this thread to answer; your name and community go with your answer. Or use the buttons.`
        : `Reply to this message to answer (your name and community go with it), or use the buttons. To stop messages like this: \`/feelers optout\`.`,
  });
  blocks.push({ type: 'buttons', buttons: copyButtons(keys, ask.asker) });
  // Moderation, on a row of its own: Remove only where there is a channel to remove it from.
  const moderation: Button[] = [{ id: keys.report, label: 'Report' }];
  if (kind === 'ground') moderation.push({ id: keys.remove, label: 'Remove' });
  blocks.push({ type: 'buttons', buttons: moderation });
  return {
    summary: `${who} asks: ${excerpt(ask.text)}`,
    blocks,
    thread: kind === 'ground' ? { title: `${shownName(ask.asker)}: ${excerpt(ask.text, 80)}` } : undefined,
  };
}

export function closedCopyCard(ask: Ask, how: 'closed' | 'expired'): Card {
  const who = `${shownName(ask.asker)} in ${ask.asker.communityName}`;
  const why = how === 'closed' ? `${shownName(ask.asker)} closed this question.` : 'This question has expired.';
  return {
    summary: `${who} asked: ${excerpt(ask.text)} (${how})`,
    blocks: [
      { type: 'text', text: `${who} asked:` },
      { type: 'quote', text: ask.text },
      { type: 'text', text: `${why} Thank you to everyone who answered; new replies here are no longer passed on.` },
    ],
  };
}

export function expiryWarningCard(ask: Ask, days: number, keys: { extend: string; close: string }): Card {
  return {
    summary: `Your question closes in about a day: ${excerpt(ask.text)}`,
    blocks: [
      { type: 'text', text: 'Your question will expire in about a day:' },
      { type: 'quote', text: ask.text },
      { type: 'text', text: `Keep it open for another ${plural(days, 'day')}, or close it now.` },
      {
        type: 'buttons',
        buttons: [
          { id: keys.extend, label: `Extend ${plural(days, 'day')}`, style: 'primary' },
          { id: keys.close, label: 'Close now' },
        ],
      },
    ],
  };
}

export function joinedCard(ask: Ask, keys: { 'new-question': string; 'retract-reply': string }): Card {
  return {
    summary: `Your message was added as an answer to ${shownName(ask.asker)}'s question.`,
    blocks: [
      {
        type: 'text',
        text: `Thanks! I added your message as an answer to ${shownName(ask.asker)}'s question (${ask.asker.communityName}): "${excerpt(ask.text, 120)}". It goes to them with the next digest.`,
      },
      { type: 'text', text: 'Meant it as a question of your own instead? Or want it back?' },
      {
        type: 'buttons',
        buttons: [
          { id: keys['new-question'], label: 'Make it a new question' },
          { id: keys['retract-reply'], label: 'Retract my answer' },
        ],
      },
    ],
  };
}

/**
 * A DM to the bot that answers nothing open: private until its writer says to ask it. The
 * card quotes it so they see exactly what would go out.
 */
export function dmAskCard(text: string, keys: { ask: string; drop: string }): Card {
  return {
    summary: 'Post this as a new question?',
    blocks: [
      { type: 'text', text: 'Post this as a new question?' },
      { type: 'quote', text },
      {
        type: 'text',
        text: 'Ask it sends it, with your name and community, to the channels connected to feelers and to people who know its topics. Until you press it, nobody else sees your message; No forgets it.',
      },
      {
        type: 'buttons',
        buttons: [
          { id: keys.ask, label: 'Ask it', style: 'primary' },
          { id: keys.drop, label: 'No' },
        ],
      },
    ],
  };
}

/** The DM confirmation once answered: no quote and no buttons left behind. */
export function dmAskAnsweredCard(asked: boolean): Card {
  const text = asked ? 'You asked this as a new question; its card is below.' : 'Not posted: feelers forgot that message.';
  return { summary: text, blocks: [{ type: 'text', text }] };
}
