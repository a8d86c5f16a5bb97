import type { Card } from '../ports/cards.js';
import type { Ctx } from './context.js';
import { personKey, type PersonRef } from '../ports/places.js';
import type { Ask, Ground, Profile } from './model.js';
import type { PendingAsk } from './pending-asks.js';
import { plural } from './text.js';

/**
 * The audience preview (docs/governance.md#audience-preview): off by default; a person turns it
 * on with `/feelers preview on`, or a community's admins for their members. Then an ask is not
 * sent at once: its targets are chosen once, kept with the pending ask, and counted on a
 * private card to the asker with Send, Edit and Cancel (only the asker may press them). Send
 * sends exactly the targets shown, each re-checked against membership and sharing at that moment
 * (never one more), and says so when the list shrank (preview-actions.ts).
 */
export async function wantsPreview(ctx: Ctx, who: PersonRef): Promise<boolean> {
  const own = (await ctx.repo.profile(who))?.preview;
  if (own !== undefined) return own;
  return (await ctx.sharing.policy(who.network, who.community)).preview === true;
}

export function audience(grounds: readonly Pick<Ground, 'place'>[], people: number): PendingAsk['shown'] {
  const communities = new Set(grounds.map((g) => `${g.place.network}\u0000${g.place.community}`)).size;
  return { channels: grounds.length, communities, people };
}

export function audienceLine(ask: Ask, shown: PendingAsk['shown']): string {
  const parts: string[] = [];
  if (shown.channels) parts.push(`${plural(shown.channels, 'channel')} in ${plural(shown.communities, 'community', 'communities')}`);
  const know = shown.people === 1 ? 'knows' : 'know';
  if (shown.people) parts.push(`${plural(shown.people, 'person', 'people')} who ${know} ${ask.topics.map((t) => `#${t}`).join(' or ')}`);
  return parts.length
    ? `This will reach ${parts.join(' and ')}.`
    : 'This will reach no other channel or person yet: no connected channel of another community takes it.';
}

export async function offerPreview(ctx: Ctx, ask: Ask, grounds: readonly Ground[], experts: readonly Profile[]): Promise<void> {
  const pending: PendingAsk = {
    ask,
    grounds: grounds.map((g) => ({ place: g.place, communityName: g.communityName })),
    experts: experts.map((p) => ({ network: p.network, community: p.community, user: p.user })),
    shown: audience(grounds, experts.length),
  };
  await ctx.repo.pending.save(pending);
  const only = personKey(ask.asker);
  const keys = {
    send: await ctx.buttons.bind({ op: 'preview-send', pendingId: ask.id, only }),
    edit: await ctx.buttons.bind({ op: 'preview-edit', pendingId: ask.id, only }),
    cancel: await ctx.buttons.bind({ op: 'preview-cancel', pendingId: ask.id, only }),
  };
  await ctx.outbox.dm(ask.asker, previewCard(ask, pending.shown, keys), { kind: 'notify' });
  ctx.outbox.kick();
}

function previewCard(ask: Ask, shown: PendingAsk['shown'], keys: { send: string; edit: string; cancel: string }): Card {
  const line = audienceLine(ask, shown);
  return {
    summary: `Before your question goes out: ${line}`,
    blocks: [
      { type: 'text', text: 'Before your question goes out:' },
      { type: 'quote', text: ask.text },
      { type: 'text', text: `${line} Nothing is sent until you press Send.` },
      {
        type: 'buttons',
        buttons: [
          { id: keys.send, label: 'Send', style: 'primary' },
          {
            id: keys.edit,
            label: 'Edit',
            form: { title: 'Edit your question', kind: 'text', label: 'Your question', submitLabel: 'Preview again', maxLength: 3000 },
          },
          { id: keys.cancel, label: 'Cancel', style: 'danger' },
        ],
      },
    ],
  };
}
