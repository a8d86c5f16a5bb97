import type { Block, Card } from '../ports/cards.js';
import type { Ask, Author, ContactCard, Reply } from './model.js';
import { excerpt } from './text.js';

/** An introduction request nobody answers lapses after this many days, and the asker is told. */
export const INTRO_REQUEST_DAYS = 14;

/** The responder is asked first; nothing is shared unless they say yes. */
export function introRequestCard(
  ask: Ask,
  asker: Author,
  reply: Reply | undefined,
  keys: { share: string; 'not-now': string; decline: string },
): Card {
  const blocks: Block[] = [
    { type: 'text', text: `${asker.name} (${asker.communityName}) asked:` },
    { type: 'quote', text: excerpt(ask.text, 500) },
  ];
  if (reply) {
    blocks.push({ type: 'text', text: 'and would like an introduction to you after your reply:' });
    blocks.push({ type: 'quote', text: excerpt(reply.text, 500) });
  }
  blocks.push({
    type: 'text',
    text: `If you share, ${asker.name} gets your contact and you get theirs. Not now or Decline: nothing is shared and ${asker.name} is told kindly. Unanswered, the request lapses after ${INTRO_REQUEST_DAYS} days.`,
  });
  blocks.push({
    type: 'buttons',
    buttons: [
      { id: keys.share, label: 'Share my contact', style: 'primary' },
      { id: keys['not-now'], label: 'Not now' },
      { id: keys.decline, label: 'Decline' },
    ],
  });
  return { summary: `${asker.name} would like an introduction`, blocks };
}

/** Shown only after both sides consented. */
export function contactCard(ask: Ask, other: ContactCard): Card {
  const lines: string[] = [];
  if (other.text) lines.push(other.text);
  if (other.handle)
    lines.push(`${other.network === 'slack' ? 'Slack' : other.network === 'discord' ? 'Discord' : other.network}: ${other.handle}`);
  if (other.profileUrl) lines.push(other.profileUrl);
  if (!lines.length) lines.push(`No contact details were set; you can find ${other.name} in ${other.communityName}.`);
  return {
    summary: `Introduction: ${other.name} (${other.communityName})`,
    blocks: [
      { type: 'text', text: `Introduction made for "${excerpt(ask.text, 100)}". You can reach ${other.name} (${other.communityName}):` },
      { type: 'quote', text: lines.join('\n') },
    ],
  };
}
