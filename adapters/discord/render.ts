/**
 * Card → Discord message bodies (raw API JSON). A card becomes one or more messages of embeds
 * (the body, one embed per divider-separated section) and button rows. Every string goes
 * through `neutralise`, and every body carries `allowed_mentions: {parse: []}`: Discord parses
 * mentions on creates AND on edits, so both use these bodies.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord.js';
import type { Block, Button, Card } from '../../src/ports/index.js';
import { clip, neutralise } from './sanitize.js';

/** Discord's limits (API v10). */
export const LIMITS = {
  content: 2000,
  embedDescription: 4096,
  embedsTotal: 6000,
  embedsPerMessage: 10,
  footer: 2048,
  buttonsPerRow: 5,
  rowsPerMessage: 5,
  buttonLabel: 80,
  customId: 100,
  threadName: 100,
} as const;

/** Suffixes on the custom_id of a button that opens a form, so the form kind survives a restart. */
export const FORM_SUFFIX = { text: '~t', person: '~p' } as const;

export interface MessageBody {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  allowed_mentions: { parse: [] };
}

/** Renders a card as the messages to send, in order; buttons go on the last one. */
export function renderCard(card: Card, footer?: (part: number) => string): MessageBody[] {
  const groups = packEmbeds(sections(card).flatMap(toEmbeds), footer);
  const rows = buttonRows(card.blocks);
  const bodies = groups.map((embeds) => body(embeds, []));
  // Rows beyond Discord's 5 per message spill into extra messages of buttons only.
  for (let i = 0; i < rows.length; i += LIMITS.rowsPerMessage) {
    const chunk = rows.slice(i, i + LIMITS.rowsPerMessage);
    const last = bodies[bodies.length - 1];
    if (i === 0 && last) last.components = chunk;
    else bodies.push(body([], chunk));
  }
  return bodies;
}

/** One message for an edit: the first message's worth of body, with every button row that fits. */
export function renderSingle(card: Card): MessageBody {
  const [first] = renderCard(card);
  const rows = buttonRows(card.blocks).slice(0, LIMITS.rowsPerMessage);
  return { ...(first ?? body([], [])), components: rows };
}

export function threadName(title: string): string {
  return clip(neutralise(title).replace(/\s+/g, ' ').trim(), LIMITS.threadName) || 'feelers';
}

/** custom_id of a button: the card's opaque key, plus a suffix when it opens a form. */
export function customIdOf(b: Button): string {
  const id = b.form ? `${b.id}${FORM_SUFFIX[b.form.kind]}` : b.id;
  if (id.length > LIMITS.customId) throw new Error(`button id longer than Discord's ${LIMITS.customId}: ${b.id}`);
  return id;
}

function body(embeds: APIEmbed[], components: MessageBody['components']): MessageBody {
  return { content: '', embeds, components, allowed_mentions: { parse: [] } };
}

/** The card's text as markdown sections; a divider starts a new section (one embed each). */
function sections(card: Card): string[] {
  const out: string[][] = [[]];
  for (const b of card.blocks) {
    const cur = out[out.length - 1] ?? [];
    if (b.type === 'divider') out.push([]);
    else if (b.type === 'text') cur.push(neutralise(b.text));
    else if (b.type === 'quote') cur.push(quote(b));
  }
  const texts = out.map((lines) => lines.join('\n\n').trim()).filter((t) => t.length > 0);
  return texts.length > 0 ? texts : [neutralise(card.summary) || '…'];
}

function quote(b: Extract<Block, { type: 'quote' }>): string {
  const lines = neutralise(b.text)
    .split('\n')
    .map((l) => `> ${l}`);
  if (b.by) lines.push(`— ${neutralise(b.by)}`);
  return lines.join('\n');
}

/** Splits a section into embed descriptions of at most 4,096 characters, at line ends when possible. */
function toEmbeds(text: string): APIEmbed[] {
  const out: APIEmbed[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (rest.length <= LIMITS.embedDescription) {
      out.push({ description: rest });
      break;
    }
    let cut = rest.lastIndexOf('\n', LIMITS.embedDescription);
    if (cut < LIMITS.embedDescription / 2) cut = rest.lastIndexOf(' ', LIMITS.embedDescription);
    if (cut < LIMITS.embedDescription / 2) cut = LIMITS.embedDescription;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push({ description: rest.slice(0, cut) });
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  return out;
}

/** Packs embeds into messages within 6,000 characters and 10 embeds each; the footer counts too. */
function packEmbeds(embeds: APIEmbed[], footer?: (part: number) => string): APIEmbed[][] {
  const groups: APIEmbed[][] = [];
  let cur: APIEmbed[] = [];
  let size = 0;
  const footerLen = (n: number): number => (footer ? clip(footer(n), LIMITS.footer).length : 0);
  for (const e of embeds) {
    const len = e.description?.length ?? 0;
    const budget = LIMITS.embedsTotal - footerLen(groups.length);
    if (cur.length > 0 && (size + len > budget || cur.length >= LIMITS.embedsPerMessage)) {
      groups.push(cur);
      cur = [];
      size = 0;
    }
    cur.push({ ...e });
    size += len;
  }
  if (cur.length > 0) groups.push(cur);
  if (footer)
    groups.forEach((g, i) => {
      const lastEmbed = g[g.length - 1];
      if (lastEmbed) lastEmbed.footer = { text: clip(footer(i), LIMITS.footer) };
    });
  return groups;
}

function buttonRows(blocks: readonly Block[]): MessageBody['components'] {
  const rows: MessageBody['components'] = [];
  for (const b of blocks) {
    if (b.type !== 'buttons') continue;
    for (let i = 0; i < b.buttons.length; i += LIMITS.buttonsPerRow) {
      rows.push({
        type: ComponentType.ActionRow,
        components: b.buttons.slice(i, i + LIMITS.buttonsPerRow).map(toButton),
      });
    }
  }
  return rows;
}

function toButton(b: Button): APIButtonComponentWithCustomId {
  const style = b.style === 'primary' ? ButtonStyle.Primary : b.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary;
  return {
    type: ComponentType.Button,
    custom_id: customIdOf(b),
    label: clip(neutralise(b.label), LIMITS.buttonLabel) || '…',
    style,
  };
}
