import type { Card } from '../ports/cards.js';
import type { Ask } from './model.js';
import { excerpt } from './text.js';

export type RetractedBy = NonNullable<Ask['retractedBy']>;

function byWhom(ask: Ask, by: RetractedBy): string {
  if (by === 'asker') return 'the asker';
  if (by === 'admin') return `an admin of ${ask.asker.communityName}`;
  return "feelers' operators";
}

/** The private confirmation the Retract button answers with: the one button that takes it back. */
export function retractConfirmCard(ask: Ask, key: string): Card {
  return {
    summary: `Retract this question everywhere? ${excerpt(ask.text)}`,
    blocks: [
      { type: 'text', text: 'Retract this question everywhere?' },
      { type: 'quote', text: ask.text },
      {
        type: 'text',
        text: 'Every copy of it in other communities, and every direct message it went out as, will be deleted (where a network cannot delete, replaced by a note that it was retracted). No more answers are gathered, and no digest or follow-up goes out. This cannot be undone.',
      },
      { type: 'buttons', buttons: [{ id: key, label: 'Retract everywhere', style: 'danger' }] },
    ],
  };
}

/**
 * What stands where a copy was, on a network that cannot delete: neither the question nor who
 * asked it, since taking those back is the point.
 */
export function retractedCopyCard(ask: Ask, by: RetractedBy): Card {
  const text = `A question from ${ask.asker.communityName} was retracted by ${byWhom(ask, by)}. Replies here are no longer passed on.`;
  return { summary: text, blocks: [{ type: 'text', text }] };
}

/** The ask card once retracted: the question is no longer shown, even where it was asked. */
export function retractedAskCard(ask: Ask, by: RetractedBy): Card {
  const text = `This question was retracted by ${byWhom(ask, by)}. Its copies in other communities are deleted, and nothing more is gathered or sent for it.`;
  return { summary: text, blocks: [{ type: 'text', text }] };
}
