import type { Ctx } from './context.js';
import { contactCard, INTRO_REQUEST_DAYS, introRequestCard } from './intro-cards.js';
import { DAY_MS } from '../ports/clock.js';
import { UserError } from '../ports/errors.js';
import type { Actor } from '../ports/events.js';
import { newId, stableId } from './ids.js';
import type { Ask, ContactCard, ContactRelease, Intro, Offer } from './model.js';
import { personKey, samePerson, type PersonRef } from '../ports/places.js';
import { digestItem } from './keys.js';
import { excerpt, textCard } from './text.js';
import { learnFromIntro } from './routing-learning.js';

/**
 * Introductions are double opt-in. A contact is captured from the press that consented to
 * share it, and released (by DM, to the other side only) once both sides have said yes.
 */

/** The asker pressed Request intro on a reply: the responder is asked first. */
export async function requestIntro(ctx: Ctx, ask: Ask, replyId: string, asker: Actor): Promise<string> {
  const reply = await ctx.repo.reply(replyId);
  if (!reply || reply.deleted || reply.retracted)
    throw new UserError('reply_gone', 'That reply was withdrawn, so an introduction is not possible.');
  if (reply.anonymous)
    throw new UserError('person_gone', 'The person who wrote that reply has left feelers, so an introduction is not possible.');
  const existing = await ctx.repo.introWith(ask.id, reply.author);
  if (existing) {
    const intro = await ctx.repo.intro(existing);
    if (intro?.state === 'shared') return `You and ${reply.author.name} have already been introduced; check your DMs.`;
    if (intro?.state === 'pending') return `You've already asked ${reply.author.name}; you'll hear as soon as they answer.`;
    if (intro?.state === 'declined') return `${reply.author.name} decided not to share their contact this time.`;
  }
  const intro = await newIntro(ctx, ask, asker, { direction: 'requested', responder: reply.author, replyId });
  await ctx.repo.saveIntroWith(ask.id, reply.author, intro.id);
  const only = personKey(reply.author);
  const keys = await ctx.buttons.bindAll({ askId: ask.id, introId: intro.id, only }, ['share', 'not-now', 'decline'] as const);
  await ctx.outbox.dm(reply.author, introRequestCard(ask, ask.asker, reply, keys), { kind: 'notify', askId: ask.id, introId: intro.id });
  ctx.metrics.introChanged('pending');
  ctx.outbox.kick();
  return `I've asked ${reply.author.name} whether they'd like to be introduced. Nothing is shared unless they say yes.`;
}

/** The responder said yes. */
export async function shareContact(ctx: Ctx, introId: string, responder: Actor): Promise<string> {
  const intro = await ctx.repo.intro(introId);
  if (!intro || intro.state !== 'pending') return stale(intro);
  const ask = await ctx.repo.ask(intro.askId);
  if (!ask) return stale(undefined);
  intro.responderContact = contactOf(responder, intro.responder.communityName);
  await release(ctx, ask, intro);
  return `Done: ${intro.asker.name} has your contact, and I've sent you theirs.`;
}

/**
 * The responder can't answer now: nothing is shared, the asker is told kindly (once), and the
 * request stays open, so Share my contact still works until it lapses.
 */
export async function notNow(ctx: Ctx, introId: string): Promise<string> {
  const intro = await ctx.repo.intro(introId);
  if (!intro || intro.state !== 'pending') return stale(intro);
  if (intro.notNowAt === undefined) {
    intro.notNowAt = ctx.now();
    await ctx.repo.saveIntro(intro);
    const ask = await ctx.repo.ask(intro.askId);
    const about = ask ? ` (about "${excerpt(ask.text, 80)}")` : '';
    const text = `${intro.responder.name} can't answer your introduction request right now${about}. Nothing was shared; you'll hear if they share their contact later.`;
    await ctx.outbox.dm(intro.asker, textCard(text), { kind: 'notify', askId: intro.askId, introId }, stableId('not-now', introId));
    ctx.outbox.kick();
  }
  return `Noted. Nothing was shared, and ${intro.asker.name} has been told you can't answer now. You can still press Share my contact within ${INTRO_REQUEST_DAYS} days.`;
}

/** Requests nobody answered within INTRO_REQUEST_DAYS lapse; each asker is told. Returns how many. */
export async function lapseIntroRequests(ctx: Ctx): Promise<number> {
  const now = ctx.now();
  let lapsed = 0;
  for (const intro of await ctx.repo.pendingIntros()) {
    if (intro.state !== 'pending') {
      await ctx.repo.notPending(intro.id);
      continue;
    }
    if (now < intro.createdAt + INTRO_REQUEST_DAYS * DAY_MS) continue;
    intro.state = 'lapsed';
    intro.decidedAt = now;
    await ctx.repo.saveIntro(intro);
    await ctx.repo.notPending(intro.id);
    const text = `Your introduction request to ${intro.responder.name} got no answer in ${INTRO_REQUEST_DAYS} days, so it has lapsed. Nothing was shared.`;
    await ctx.outbox.dm(
      intro.asker,
      textCard(text),
      { kind: 'notify', askId: intro.askId, introId: intro.id },
      stableId('lapsed', intro.id),
    );
    lapsed++;
  }
  if (lapsed) ctx.outbox.kick();
  return lapsed;
}

export async function declineIntro(ctx: Ctx, introId: string): Promise<string> {
  const intro = await ctx.repo.intro(introId);
  if (!intro || intro.state !== 'pending') return stale(intro);
  intro.state = 'declined';
  intro.decidedAt = ctx.now();
  await ctx.repo.saveIntro(intro);
  const ask = await ctx.repo.ask(intro.askId);
  await ctx.outbox.dm(
    intro.asker,
    textCard(
      `${intro.responder.name} can't take up an introduction this time${ask ? ` (about "${ask.text.slice(0, 80)}")` : ''}. Nothing was shared either way, and their reply still stands. Thank you for asking first.`,
    ),
    { kind: 'notify', askId: intro.askId, introId },
  );
  ctx.metrics.introChanged('declined');
  ctx.outbox.kick();
  return `Declined. Nothing was shared, and ${intro.asker.name} has been told kindly.`;
}

/** "I can help": the offer itself is the helper's consent. */
export async function offerHelp(ctx: Ctx, ask: Ask, helper: Actor, copyId: string | undefined, communityName: string): Promise<string> {
  if (samePerson(helper, ask.asker)) return 'This is your own question.';
  if (await ctx.repo.offerBy(ask.id, helper)) return `You've already offered to help; ${ask.asker.name} will see it in the next digest.`;
  const offer: Offer = {
    id: newId(),
    askId: ask.id,
    helper: ctx.names.author(helper, communityName),
    at: ctx.now(),
    copyId,
    contact: contactOf(helper, communityName),
  };
  await ctx.repo.addOffer(offer);
  return `Thanks! ${ask.asker.name} will see your offer in the next digest. If they accept, you'll each get the other's contact; until then nothing is shared.`;
}

/** The asker accepted an offer: both sides have now consented. */
export async function acceptOffer(ctx: Ctx, ask: Ask, offerId: string, asker: Actor): Promise<string> {
  const offer = await ctx.repo.offer(offerId);
  if (offer?.decided === 'withdrawn') return `${offer.helper.name} withdrew the offer, so nothing was shared.`;
  if (!offer || offer.decided) return 'That offer has already been answered.';
  offer.decided = 'accepted';
  await ctx.repo.saveOffer(offer);
  const intro = await newIntro(ctx, ask, asker, {
    direction: 'offered',
    responder: offer.helper,
    offerId,
    responderContact: offer.contact,
  });
  await release(ctx, ask, intro);
  return `Done: I've sent you ${offer.helper.name}'s contact, and they have yours.`;
}

export async function declineOffer(ctx: Ctx, ask: Ask, offerId: string): Promise<string> {
  const offer = await ctx.repo.offer(offerId);
  if (offer?.decided === 'withdrawn') return `${offer.helper.name} withdrew the offer, so nothing was shared.`;
  if (!offer || offer.decided) return 'That offer has already been answered.';
  offer.decided = 'declined';
  await ctx.repo.saveOffer(offer);
  await ctx.outbox.dm(
    offer.helper,
    textCard(
      `${ask.asker.name} thanks you for offering to help with "${ask.text.slice(0, 80)}", and won't need an introduction this time. Nothing was shared.`,
    ),
    { kind: 'notify', askId: ask.id },
  );
  ctx.outbox.kick();
  return `Declined. ${offer.helper.name} has been thanked; nothing was shared.`;
}

/**
 * A new introduction of an ask, pending. The asker's contact is captured from `asker`, the
 * press that consented (Request intro, Accept intro).
 */
async function newIntro(
  ctx: Ctx,
  ask: Ask,
  asker: Actor,
  side: Pick<Intro, 'direction' | 'responder' | 'replyId' | 'offerId' | 'responderContact'>,
): Promise<Intro> {
  const intro: Intro = {
    id: newId(),
    askId: ask.id,
    asker: ask.asker,
    state: 'pending',
    createdAt: ctx.now(),
    askerContact: contactOf(asker, ask.asker.communityName),
    ...side,
  };
  await ctx.repo.addIntro(intro);
  return intro;
}

/**
 * Both sides said yes: each gets the other's contact as its owner holds it now (a contact
 * changed since the press goes out as changed; one cleared goes out without its text), and
 * each release is recorded.
 */
async function release(ctx: Ctx, ask: Ask, intro: Intro): Promise<void> {
  if (!intro.askerContact || !intro.responderContact) throw new Error('release without both consents');
  const askerContact = await withCurrentText(ctx, intro.asker, intro.askerContact);
  const responderContact = await withCurrentText(ctx, intro.responder, intro.responderContact);
  intro.state = 'shared';
  intro.decidedAt = ctx.now();
  await ctx.repo.saveIntro(intro);
  const purpose = { kind: 'notify', askId: ask.id, introId: intro.id } as const;
  await ctx.outbox.dm(intro.asker, contactCard(ask, responderContact), purpose, stableId('contact', intro.id, 'to-asker'));
  await ctx.outbox.dm(intro.responder, contactCard(ask, askerContact), purpose, stableId('contact', intro.id, 'to-responder'));
  const at = ctx.now();
  const records: ContactRelease[] = [
    { owner: intro.responder, to: intro.asker, askId: ask.id, introId: intro.id, at },
    { owner: intro.asker, to: intro.responder, askId: ask.id, introId: intro.id, at },
  ];
  for (const r of records) await ctx.repo.recordRelease(r);
  // The responder's community helped the asker's.
  await ctx.repo.help.count('intros', intro.responder, intro.asker, at);
  await learnFromIntro(ctx, ask, intro.responder);
  ctx.metrics.introChanged('shared');
  ctx.outbox.kick();
}

function stale(intro: Intro | undefined): string {
  if (intro?.state === 'shared') return 'You already shared your contact for this introduction.';
  if (intro?.state === 'withdrawn') return 'This introduction was withdrawn, so nothing was shared.';
  if (intro?.state === 'lapsed') return 'This introduction request has lapsed, so nothing was shared.';
  if (intro?.state === 'declined') return 'You already declined this introduction.';
  return 'This introduction is no longer open.';
}

/**
 * What the press that consented tells of the presser: name, handle and profile link. The
 * contact text is not copied: `withCurrentText` reads it at the moment of release.
 */
function contactOf(actor: Actor, communityName: string): ContactCard {
  return { name: actor.name, communityName, network: actor.network, handle: actor.handle, profileUrl: actor.profileUrl };
}

/** The owner's contact text as their profile holds it now (none after contact clear or forget-me). */
async function withCurrentText(ctx: Ctx, owner: PersonRef, card: ContactCard): Promise<ContactCard> {
  return { ...card, text: (await ctx.repo.profile(owner))?.contact };
}

/**
 * A person took back what they had consented to (`/feelers contact clear`, or forget-me with
 * `all`): their offers not yet answered are withdrawn, and so are the pending intros they had
 * consented to (as the asker who requested them); with `all`, every pending intro they are a
 * side of. The other side is told politely, once; nothing was shared. Returns how many.
 */
export async function withdrawConsents(ctx: Ctx, person: PersonRef, opts: { all: boolean }): Promise<number> {
  const { offers, intros } = await ctx.repo.consentsOf(person);
  let withdrawn = 0;
  for (const offer of offers) {
    if (offer.decided) continue;
    offer.decided = 'withdrawn';
    await ctx.repo.saveOffer(offer);
    withdrawn++;
    // Still waiting for the next digest: the asker never saw it, so there is nobody to tell.
    if (await ctx.repo.unfresh(offer.askId, digestItem('offer', offer.id))) continue;
    const ask = await ctx.repo.ask(offer.askId);
    if (ask) {
      const text = `${offer.helper.name} (${offer.helper.communityName}) is no longer available for an introduction about "${excerpt(ask.text, 80)}". Nothing was shared.`;
      await ctx.outbox.dm(ask.asker, textCard(text), { kind: 'notify', askId: ask.id }, stableId('withdrawn', offer.id));
    }
  }
  for (const intro of intros) {
    const asAsker = samePerson(intro.asker, person);
    if (intro.state !== 'pending' || !(opts.all || (asAsker && intro.direction === 'requested'))) continue;
    intro.state = 'withdrawn';
    intro.decidedAt = ctx.now();
    await ctx.repo.saveIntro(intro);
    withdrawn++;
    const ask = await ctx.repo.ask(intro.askId);
    const about = ask ? ` about "${excerpt(ask.text, 80)}"` : '';
    const [to, text] = asAsker
      ? [
          intro.responder,
          `${intro.asker.name} has withdrawn the introduction request${about}. Nothing was shared, and there is nothing you need to do.`,
        ]
      : [intro.asker, `${intro.responder.name} can't take up an introduction this time${about}. Nothing was shared either way.`];
    await ctx.outbox.dm(to, textCard(text), { kind: 'notify', askId: intro.askId, introId: intro.id }, stableId('withdrawn', intro.id));
  }
  if (withdrawn) ctx.outbox.kick();
  return withdrawn;
}
