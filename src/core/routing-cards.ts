import type { Card } from '../ports/cards.js';
import type { Ask } from './model.js';
import { excerpt, plural } from './text.js';

/** Told once, when feelers pauses prods to someone who has not answered the last few. */
export function resumePromptCard(unanswered: number, resumeKey: string): Card {
  const text = `You didn't answer the last ${plural(unanswered, 'question')} feelers sent you, so it has paused sending you questions by topic. That's fine: nothing else changes.`;
  return {
    summary: 'feelers paused sending you questions',
    blocks: [
      { type: 'text', text },
      { type: 'text', text: 'Want them again? Press Resume, or type `/feelers prods on` any time.' },
      { type: 'buttons', buttons: [{ id: resumeKey, label: 'Resume questions', style: 'primary' }] },
    ],
  };
}

/** What a widening reached, for the asker's notice. */
export interface Widened {
  /** 1: grounds whose topics are near the ask's; 2: grounds that take every topic. */
  readonly stage: number;
  readonly channels: number;
  readonly communities: number;
  /** The near topics that chose the channels (stage 1). */
  readonly near: readonly string[];
  readonly hours: number;
}

/** The asker is told each time their unanswered ask widens, with a button to stop it. */
export function widenedCard(ask: Ask, w: Widened, stopKey: string): Card {
  const where =
    w.stage === 1
      ? `${plural(w.channels, 'more channel')} in ${plural(w.communities, 'community', 'communities')} whose topics are near yours${w.near.length ? ` (${w.near.map((t) => `#${t}`).join(' ')})` : ''}`
      : `${plural(w.channels, 'more channel')} in ${plural(w.communities, 'community', 'communities')} that take questions on every topic`;
  const next = w.stage === 1 ? ` If nobody answers in another ${plural(w.hours, 'hour')}, it widens once more.` : '';
  return {
    summary: `Nobody has answered yet, so your question went to ${where}`,
    blocks: [
      { type: 'text', text: `Nobody has answered your question yet, so feelers sent it to ${where}:` },
      { type: 'quote', text: excerpt(ask.text, 300) },
      { type: 'text', text: `Answers come to your thread as before.${next} Rather it stayed where it is?` },
      { type: 'buttons', buttons: [{ id: stopKey, label: 'Stop widening' }] },
    ],
  };
}
