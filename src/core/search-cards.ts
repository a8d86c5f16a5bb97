import type { Card } from '../ports/cards.js';
import { DAY_MS } from '../ports/clock.js';
import type { SearchHit } from './search-index.js';
import { plural } from './text.js';

/** Characters of a reply shown in a result or a prompt: enough to judge, short enough to scan. */
const EXCERPT = 200;
/** Replies quoted in a prompt. */
const QUOTED = 2;

/** "today", "5 days ago", "3 weeks ago", "4 months ago". */
export function ago(then: number, now: number): string {
  const days = Math.floor((now - then) / DAY_MS);
  if (days < 1) return 'today';
  if (days < 14) return `${plural(days, 'day')} ago`;
  if (days < 61) return `${plural(Math.floor(days / 7), 'week')} ago`;
  return `${plural(Math.floor(days / 30), 'month')} ago`;
}

export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
}

/**
 * What an earlier ask came to, in one line and without names: search results are read by
 * people the repliers never wrote to, and a forgotten author's reply must not name them.
 */
export function summaryLine(hit: SearchHit): string {
  const communities = new Set(hit.replies.map((r) => `${r.author.network}:${r.author.community}`)).size;
  if (hit.replies.length === 0) return 'No replies yet.';
  const first = hit.replies[0];
  return `${plural(hit.replies.length, 'reply', 'replies')} from ${plural(communities, 'community', 'communities')}${first ? `; the first: "${excerpt(first.text)}"` : ''}`;
}

/** The private prompt before asking: the earlier ask, its answers, and the two buttons. */
export function earlierAskCard(
  hit: SearchHit,
  question: string,
  link: string | undefined,
  now: number,
  keys: { anyway: string; answered: string },
): Card {
  const { ask } = hit;
  const when = ago(ask.closedAt ?? ask.createdAt, now);
  const head = `A similar question was answered ${when} in ${ask.asker.communityName}:`;
  return {
    summary: `${head} ${excerpt(ask.text)} Still ask?`,
    blocks: [
      { type: 'text', text: head },
      { type: 'quote', text: ask.text },
      { type: 'text', text: `${plural(hit.replies.length, 'reply', 'replies')}, among them:` },
      ...hit.replies.slice(0, QUOTED).map((r) => ({ type: 'quote' as const, text: excerpt(r.text) })),
      ...(link ? [{ type: 'text' as const, text: `The whole thread: ${link}` }] : []),
      { type: 'text', text: 'Still ask? Your question, not sent yet:' },
      { type: 'quote', text: question },
      {
        type: 'buttons',
        buttons: [
          { id: keys.anyway, label: 'Ask anyway', style: 'primary' },
          { id: keys.answered, label: 'That answers it' },
        ],
      },
    ],
  };
}

/** The prompt once answered: no quotes and no buttons left behind. */
export function earlierAskAnsweredCard(asked: boolean): Card {
  const text = asked
    ? 'You asked your question anyway; its card is where you asked.'
    : 'Not asked: the earlier answer did. Your question was not sent to anyone.';
  return { summary: text, blocks: [{ type: 'text', text }] };
}
