import type { Ctx } from './context.js';
import type { DeliveryHooks } from './deliverer.js';
import type { DeliveryError } from '../ports/errors.js';
import type { Delivery } from './model.js';
import type { MessageRef } from '../ports/places.js';
import { afterSentThread, recordSentThread } from './replies.js';
import { afterSentRetracted } from './retract.js';
import type { Repo } from './repo.js';
import { reasonText, textCard } from './text.js';

/**
 * What the engine does around each outbox send: a last look before (a copy of an ask closed
 * meanwhile is dropped, and anything for a community no longer in the network), the bookkeeping after (where the card or copy is, so replies find
 * their ask: the replies stage binds it), and what a refusal means (a channel gone, a person who takes no DMs).
 */
export function deliveryHooks(ctx: () => Ctx): DeliveryHooks {
  return {
    beforeSend: async (d: Delivery) => {
      const p = d.purpose;
      // A community taken off the network receives nothing more, queued or not (membership.ts);
      // a takedown of a retracted ask's copy still goes, so nothing retracted stays up there.
      if (p.kind !== 'takedown' && (await ctx().membership.standing(...communityOf(d))) !== 'member') return 'cancel';
      // Past that (one read per send, none for a community on the YAML list): one more read for a
      // copy (as ever) and for a follower's digest DM, none for anything else, so an ask card
      // still leaves before its copies. An ask card or thread digest of an ask
      // retracted meanwhile is harmless in the asker's own channel, and is replaced or struck
      // right after (afterSentRetracted; the retraction also cancels what it finds waiting).
      if (p.kind === 'digest') return d.target.kind === 'dm' && (await isRetracted(ctx(), p.askId)) ? 'cancel' : 'send';
      if (p.kind !== 'copy') return 'send';
      const ask = await ctx().repo.ask(p.askId);
      if (ask?.state === 'open') return 'send';
      // A copy of a retracted ask that may be out already (an earlier send never heard back) is
      // sent again: the network finds it by its key, and the look after takes it down.
      return ask?.state === 'retracted' && d.sendingSince !== undefined ? 'send' : 'cancel';
    },
    recordSent: async (d: Delivery, ref: MessageRef, repo: Repo) => {
      await recordSentThread(repo, d, ref);
      // Where a digest is, so a reply retracted later can be struck from it (reply-strike.ts).
      // (A follower's DM keeps its place in the delivery record: see DigestRecords.sent.)
      if (d.target.kind === 'post' && (d.purpose.kind === 'digest' || (d.purpose.kind === 'notify' && d.purpose.askId !== undefined))) {
        await repo.digestsShown.sent(d.id, ref);
      }
      // The console shows when each ground last received a copy.
      if (d.purpose.kind === 'copy' && d.target.kind === 'post') {
        await repo.copySentTo(d.target.place, ctx().now());
        // Learned routing times a ground from here to the first reply in the copy's thread.
        await repo.routing.copySent(d.purpose.copyId, ctx().now());
      }
    },
    afterSent: async (d: Delivery, ref: MessageRef) => {
      await afterSentThread(ctx(), d, ref);
      await afterSentRetracted(ctx(), d);
    },
    onGone: (d: Delivery, err: DeliveryError) => onGone(ctx(), d, err),
  };
}

function communityOf(d: Delivery): [string, string] {
  const t = d.target;
  const where = t.kind === 'post' ? t.place : t.kind === 'dm' ? t.person : t.ref;
  return [where.network, where.community];
}

async function onGone(ctx: Ctx, d: Delivery, err: DeliveryError): Promise<void> {
  const { repo } = ctx;
  const t = d.target;
  if (t.kind === 'post' && d.purpose.kind === 'copy') {
    const ground = await repo.ground(t.place);
    if (ground && ground.unreachableSince === undefined) {
      ground.unreachableSince = ctx.now();
      ground.unreachableReason = reasonText(err.message);
      await repo.saveGround(ground);
      ctx.log.warn({ ground: t.place, err: err.message }, 'ground unreachable; skipped from now on');
    }
  }
  if (t.kind === 'dm' && d.purpose.kind === 'copy') {
    const copyId = d.purpose.copyId;
    const copy = await repo.copy(copyId);
    // The DM never arrived: their next DM to the bot is not an answer to it, and it does
    // not count against their week's share of unsolicited messages.
    const prompts = await repo.prompts(t.person);
    await repo.savePrompts(
      t.person,
      prompts.filter((p) => p.copyId !== copyId),
    );
    const profile = await repo.profile(t.person);
    if (profile && profile.unsolicited.length) {
      profile.unsolicited = profile.unsolicited.slice(0, -1);
      await repo.saveProfile(profile);
    }
    const referrer = copy?.kind === 'referral' ? copy.via?.[0] : undefined;
    if (referrer) {
      const text =
        "feelers couldn't deliver your referral: the person doesn't accept direct messages from feelers. You could tell them about the question yourself.";
      await ctx.outbox.dm(referrer, textCard(text), { kind: 'notify', askId: d.purpose.askId });
      ctx.outbox.kick();
    }
  }
}

/** Nothing more of a retracted ask goes to its followers. */
async function isRetracted(ctx: Ctx, askId: string): Promise<boolean> {
  return (await ctx.repo.ask(askId))?.state === 'retracted';
}
