import type { Block, Button, Card } from '../ports/cards.js';
import type { Ask, Author, Offer, Reply } from './model.js';
import { shownName } from './names.js';
import { excerpt, plural } from './text.js';

/** An undigested item: a reply, or an offer to help. */
export type DigestItem =
  | { readonly kind: 'reply'; readonly reply: Reply; readonly buttons: readonly Button[] }
  | { readonly kind: 'offer'; readonly offer: Offer; readonly buttons: readonly Button[] };

/** "Sam (L&D Guild), via Karyn" — or anonymous when the writer used forget-me or their community hides names (sharing.ts). */
export function byline(author: Author, anonymous: boolean | undefined, via: readonly Author[] = []): string {
  const who = anonymous || author.hidden ? `Someone in ${author.communityName}` : `${author.name} (${author.communityName})`;
  return [who, ...via.map((v) => `via ${shownName(v)}`)].join(', ');
}

function itemBlocks(item: DigestItem, withButtons: boolean): Block[] {
  const blocks: Block[] = [];
  if (item.kind === 'reply') {
    const r = item.reply;
    // Struck from a digest already sent: neither the words nor who wrote them stay.
    if (r.retracted || r.deleted) return [{ type: 'text', text: 'A reply here was taken back by its writer.' }];
    blocks.push({ type: 'quote', text: r.text, by: byline(r.author, r.anonymous, r.via) });
  } else {
    blocks.push({ type: 'text', text: `${byline(item.offer.helper, false)} offers to help and is happy to be introduced.` });
  }
  if (withButtons && item.buttons.length) blocks.push({ type: 'buttons', buttons: item.buttons });
  return blocks;
}

/** The digest in the asker's thread: quoted replies with intro buttons. */
export function threadDigestCard(ask: Ask, items: readonly DigestItem[], inThread: number): Card {
  const replies = items.filter((i) => i.kind === 'reply').length;
  const offers = items.length - replies;
  const head = [replies ? plural(replies, 'new reply', 'new replies') : '', offers ? plural(offers, 'offer') + ' to help' : '']
    .filter(Boolean)
    .join(' and ');
  const blocks: Block[] = [{ type: 'text', text: `${head} to your question:` }];
  items.forEach((item, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...itemBlocks(item, true));
  });
  if (inThread) blocks.push({ type: 'text', text: `Also ${plural(inThread, 'reply', 'replies')} here in this thread.` });
  blocks.push({
    type: 'text',
    text: 'Request intro asks the person first; contacts are exchanged only if they agree.',
  });
  return { summary: `${head} to: ${excerpt(ask.text)}`, blocks };
}

/** The digest a follower gets by DM: every new reply, no intro buttons (those are the asker's). */
export function followerDigestCard(ask: Ask, items: readonly DigestItem[]): Card {
  const blocks: Block[] = [
    { type: 'text', text: `New on ${ask.asker.name}'s question, which you follow:` },
    { type: 'quote', text: excerpt(ask.text, 300) },
  ];
  for (const item of items) {
    blocks.push({ type: 'divider' });
    blocks.push(...itemBlocks(item, false));
  }
  return { summary: `${plural(items.length, 'update')} on: ${excerpt(ask.text)}`, blocks };
}

export interface Tally {
  readonly replies: number;
  readonly communities: number;
  readonly intros: number;
}

export function summaryCard(
  ask: Ask,
  end: { readonly how: 'closed' | 'expired'; readonly tally: Tally; readonly by?: 'operator' | undefined },
  lastItems: readonly DigestItem[],
  forFollower: boolean,
): Card {
  const { how, tally } = end;
  const closer = end.by === 'operator' ? 'feelers’ operators' : undefined;
  const opening =
    how === 'closed'
      ? closer
        ? `${forFollower ? `${closer} closed the question you follow` : `${closer} closed this question`}.`
        : `${forFollower ? `${ask.asker.name} closed the question you follow` : 'You closed this question'}.`
      : `${forFollower ? `${ask.asker.name}'s question, which you follow, has expired` : 'This question has expired'}.`;
  const blocks: Block[] = [
    { type: 'text', text: opening },
    { type: 'quote', text: excerpt(ask.text, 300) },
    {
      type: 'text',
      text: `In all: ${plural(tally.replies, 'reply', 'replies')} from ${plural(tally.communities, 'community', 'communities')}, ${plural(tally.intros, 'introduction')} made.`,
    },
  ];
  if (lastItems.length) {
    blocks.push({ type: 'text', text: 'The last replies, not in a digest yet:' });
    for (const item of lastItems) blocks.push(...itemBlocks(item, !forFollower));
  }
  return { summary: `Final summary: ${excerpt(ask.text)}`, blocks };
}
