import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORM_SUFFIX, LIMITS, renderCard, renderSingle, threadName } from '../../../adapters/discord/render.js';
import { neutralise, ZWSP } from '../../../adapters/discord/sanitize.js';
import { nonceFor } from '../../../adapters/discord/sender.js';
import { actionIdOf } from '../../../adapters/discord/parse.js';
import type { Card } from '../../../src/ports/cards.js';
import { MENTION_CORPUS, hasLiveMention, stringsIn } from '../../fakes/discord/mention-corpus.js';

function embedChars(e: { description?: string; footer?: { text: string } }): number {
  return (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);
}

describe('discord sanitize', () => {
  it('neutralises every corpus entry', () => {
    for (const s of MENTION_CORPUS) expect(hasLiveMention(neutralise(s)), JSON.stringify(s)).toBe(false);
  });

  it('leaves text without @ or < alone and is idempotent', () => {
    expect(neutralise('plain text, ümlauts & emoji 👩‍👩‍👧')).toBe('plain text, ümlauts & emoji 👩‍👩‍👧');
    expect(neutralise(neutralise('@everyone'))).toBe(`@${ZWSP}everyone`);
  });

  it('no string built from mention pieces survives as a live mention', () => {
    const piece = fc.constantFrom(
      '@',
      '\uFF20',
      '\uFE6B',
      '<',
      '\uFF1C',
      '\uFE64',
      '>',
      '&',
      '!',
      '#',
      'everyone',
      'here',
      '123456789012345678',
      '\u200B',
      '\u200C',
      '\u2060',
      '\u00AD',
      '\uFEFF',
      ' ',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        expect(hasLiveMention(neutralise(parts.join('')))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('discord render', () => {
  it('puts buttons in rows of at most 5 with custom_id = button id (form buttons carry the kind)', () => {
    const buttons = Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, label: `B${i}` }));
    const card: Card = {
      summary: 's',
      blocks: [
        { type: 'text', text: 'hello' },
        { type: 'buttons', buttons: [...buttons, { id: 'f', label: 'Answer', form: { title: 't', kind: 'text', label: 'l' } }] },
      ],
    };
    const [msg] = renderCard(card);
    expect(msg?.components.map((r) => r.components.length)).toEqual([5, 3]);
    const ids = msg?.components.flatMap((r) => r.components.map((b) => b.custom_id));
    expect(ids).toEqual([...buttons.map((b) => b.id), `f${FORM_SUFFIX.text}`]);
    expect(ids?.map(actionIdOf)).toEqual([...buttons.map((b) => b.id), 'f']);
    expect(msg?.allowed_mentions).toEqual({ parse: [] });
  });

  it('splits long cards within embed limits and keeps every character', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(60)}`).join('\n');
    const card: Card = {
      summary: 's',
      blocks: [
        { type: 'text', text: long },
        { type: 'divider' },
        { type: 'text', text: long },
        { type: 'buttons', buttons: [{ id: 'a', label: 'A' }] },
      ],
    };
    const msgs = renderCard(card, (n) => `feelers · ${nonceFor('k', n)}`);
    expect(msgs.length).toBeGreaterThan(1);
    for (const m of msgs) {
      expect(m.content.length).toBeLessThanOrEqual(LIMITS.content);
      expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
      for (const e of m.embeds) expect(e.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
      expect(m.embeds.reduce((n, e) => n + embedChars(e as never), 0)).toBeLessThanOrEqual(LIMITS.embedsTotal);
    }
    // Buttons only on the last message; every message has its own marker.
    expect(msgs.slice(0, -1).every((m) => m.components.length === 0)).toBe(true);
    expect(msgs[msgs.length - 1]?.components).toHaveLength(1);
    const footers = msgs.map((m) => m.embeds.map((e) => e.footer?.text).filter(Boolean));
    expect(footers.map((f) => f.length)).toEqual(msgs.map(() => 1));
    const text = msgs.flatMap((m) => m.embeds.map((e) => e.description ?? '')).join('');
    expect(text.replace(/\s/g, '').length).toBe((long + long).replace(/\s/g, '').length);
  });

  it('an edit is one message and neutralises the whole card, thread names included', () => {
    const all = MENTION_CORPUS.join(' ');
    const card: Card = {
      summary: all,
      blocks: [
        { type: 'quote', text: all, by: all },
        { type: 'buttons', buttons: [{ id: 'x', label: all }] },
      ],
    };
    const edit = renderSingle(card);
    for (const s of stringsIn(edit)) expect(hasLiveMention(s)).toBe(false);
    expect(edit.allowed_mentions).toEqual({ parse: [] });
    expect(hasLiveMention(threadName(all))).toBe(false);
    expect(threadName(all).length).toBeLessThanOrEqual(LIMITS.threadName);
  });

  it('derives short, stable nonces', () => {
    expect(nonceFor('k', 0)).toBe(nonceFor('k', 0));
    expect(nonceFor('k', 0)).not.toBe(nonceFor('k', 1));
    expect(nonceFor('k', 0).length).toBeLessThanOrEqual(25);
  });
});
