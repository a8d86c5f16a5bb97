import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../src/ports/cards.js';
import { decodeForm, plainText } from '../../../adapters/slack/parse.js';
import { BLOCKS_MAX, buttonValue, renderCard, renderFormModal, SECTION_MAX } from '../../../adapters/slack/render.js';
import { escapeSlack, splitText } from '../../../adapters/slack/sanitize.js';

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) strings(x, out);
  return out;
}

const slackish = fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', '#', '^', '|', 'a', 'U', '1', ' ', '\n', ';', 'l', 't') });

describe('slack sanitize and render', () => {
  it('escapeSlack leaves no "<" or ">" and round-trips through Slack unescaping', () => {
    fc.assert(
      fc.property(slackish, (s) => {
        const e = escapeSlack(s);
        expect(e).not.toMatch(/[<>]/);
        expect(plainText(e)).toBe(s.trim());
      }),
    );
  });

  it('splitText keeps every character, respects the limit and never cuts an entity', () => {
    fc.assert(
      fc.property(slackish, fc.integer({ min: 8, max: 40 }), (s, max) => {
        const parts = splitText(escapeSlack(s), max);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(p).not.toMatch(/&[a-z]{0,3}$/);
        }
        expect(parts.join('').replace(/\n/g, '')).toBe(escapeSlack(s).replace(/\n/g, ''));
      }),
    );
  });

  it('renders every card string escaped, in sections of at most 3,000 and messages of at most 50 blocks', () => {
    const block = fc.oneof(
      fc.record({ type: fc.constant('text' as const), text: fc.string({ maxLength: 7000 }) }),
      fc.record({ type: fc.constant('quote' as const), text: slackish, by: fc.option(slackish, { nil: undefined }) }),
      fc.constant({ type: 'divider' as const }),
      fc.record({
        type: fc.constant('buttons' as const),
        buttons: fc.array(fc.record({ id: fc.constant('b'), label: slackish }), { minLength: 1, maxLength: 30 }),
      }),
    );
    fc.assert(
      fc.property(slackish, fc.array(block, { maxLength: 80 }), (summary, blocks) => {
        const card: Card = { summary, blocks };
        for (const m of renderCard(card)) {
          expect(m.blocks.length).toBeLessThanOrEqual(BLOCKS_MAX);
          for (const x of strings(m)) expect(x).not.toMatch(/<[!@#]/);
          for (const b of m.blocks) {
            const t = (b as { text?: { text?: string } }).text?.text;
            if (b.type === 'section') expect(t?.length ?? 0).toBeLessThanOrEqual(SECTION_MAX);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('puts the button id in action_id and a form in the value, and reads it back', () => {
    const form = { title: 'Answer', kind: 'text' as const, label: 'Your answer', maxLength: 300 };
    const [m] = renderCard({ summary: 's', blocks: [{ type: 'buttons', buttons: [{ id: 'k1', label: 'Go', style: 'primary', form }] }] });
    const el = (m?.blocks[0] as { elements: { action_id: string; value: string; style: string }[] }).elements[0];
    expect(el).toMatchObject({ action_id: 'k1', style: 'primary' });
    expect(decodeForm(el?.value)).toMatchObject(form);
    expect(buttonValue({ id: 'plain', label: 'x' })).toBe('plain');
    expect(decodeForm('plain')).toBeUndefined();
  });

  it('builds a modal within Slack limits, with escaped titles', () => {
    const view = renderFormModal(
      'k1',
      { title: 'A very long title <!here> for a modal', kind: 'person', label: 'Who <@U1>?' },
      { team: 'T1', channel: 'C1' },
    );
    const title = (view.title as { text: string }).text;
    expect(title.length).toBeLessThanOrEqual(24);
    expect(strings(view).join(' ')).not.toMatch(/<[!@#]/);
    expect(JSON.parse(String(view.private_metadata))).toEqual({ team: 'T1', channel: 'C1' });
  });

  it('turns Slack markup into plain text and drops only the bot mention', () => {
    expect(plainText('<@UBOT> ask <@U2|sam> in <#C1|general> about <https://x.dev|docs> &amp; <!here>', 'UBOT')).toBe(
      'ask @sam in #general about docs (https://x.dev) & @here',
    );
  });
});
