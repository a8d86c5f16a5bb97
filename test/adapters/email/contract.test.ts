import type { MessageRef, PersonRef, Place } from '../../../src/ports/places.js';
import { runAdapterContract, type AdapterHarness, type Delivered } from '../../support/contracts/adapter-contract.js';
import { EmailBed } from '../../support/mail/email-bed.js';
import { linkFor, openLink, postForm } from '../../support/mail/links.js';
import { appendTo, readMailbox, sendAs, type ReadMail } from '../../support/mail/mailbox.js';
import { delivered, describeWithMail } from '../../support/mail/servers.js';
import { until } from '../../support/wait.js';

/** Cc'ing the bot on a list mail is email's mention; the harness marks such text for `say`. */
const MENTION = '\u0001cc-bot\u0001';
/** Where the HTML part starts in a `Delivered` text: only markup after it could be live. */
const HTML = '\n\u0000html\u0000\n';
const OURS = /^<(?:!doctype html|\/?html|\/?body|\/?p|\/?blockquote|br|hr|a href="[^"<>]*"|\/a)>/i;

function shown(m: ReadMail): Delivered {
  return { id: m.messageId, text: `${m.text}${HTML}${m.html}` };
}

async function harness(): Promise<AdapterHarness> {
  const bed = new EmailBed();
  const adapter = await bed.make();
  const person = (name: string): PersonRef => ({ network: 'email', community: bed.community, user: bed.address(name) });
  const alice = person('alice');
  const bob = person('bob');
  const carol = person('carol');
  let lastSent: string | undefined;

  const fromBot = async (address: string, kind: string): Promise<ReadMail[]> => {
    await delivered();
    return (await readMailbox(address)).filter((m) => m.from === bed.bot && m.header('x-feelers-kind') === kind);
  };
  const inList = async (): Promise<ReadMail[]> => {
    await delivered();
    return (await readMailbox(bed.archive)).filter((m) => m.to.includes(bed.list));
  };
  const find = async (ref: MessageRef): Promise<ReadMail | undefined> => {
    const dm = ref.channel.startsWith('dm:') ? ref.channel.slice(3) : undefined;
    await delivered();
    return (await readMailbox(dm ?? bed.archive)).find((m) => m.messageId === ref.id);
  };
  const say = async (p: PersonRef, place: Place, text: string, opts: { replyTo?: string } = {}): Promise<string> => {
    const mention = text.startsWith(MENTION);
    const body = mention ? text.slice(MENTION.length) : text;
    const dm = place.channel.startsWith('dm:');
    const thread = place.thread;
    lastSent = await sendAs(p.user, {
      to: dm ? bed.bot : place.channel,
      ...(mention ? { cc: bed.bot } : {}),
      text: body,
      ...(thread ? { inReplyTo: thread, references: [thread] } : opts.replyTo ? { inReplyTo: opts.replyTo } : {}),
    });
    adapter.poll();
    return lastSent;
  };
  /** A press is the POST of the button's link page; a list's link first mails the presser a link of their own. */
  const press = async (p: PersonRef, ref: MessageRef, buttonId: string, fields: Record<string, string> = {}): Promise<void> => {
    await delivered();
    const mail = (await readMailbox(p.user)).find((m) => m.messageId === ref.id);
    if (!mail) throw new Error(`${p.user} has no mail ${ref.id}`);
    let link = linkFor(mail, buttonId);
    await openLink(link.url);
    if (!link.personal) {
      const before = (await fromBot(p.user, 'confirm')).length;
      await postForm(link.url, { t: link.token, address: p.user });
      await until(async () => (await fromBot(p.user, 'confirm')).length > before, 'the personal link');
      link = linkFor((await fromBot(p.user, 'confirm')).at(-1)!, buttonId);
    }
    const res = await postForm(link.url, { t: link.token, ...fields });
    if (res.status !== 200) throw new Error(`link POST answered ${res.status}`);
  };

  return {
    adapter,
    channel: bed.channel,
    alice,
    bob,
    otherBot: carol,
    say,
    mentionBot: (text) => `${MENTION}${text}`,
    dmBot: (p, text) => say(p, { network: 'email', community: bed.community, channel: `dm:${p.user}` }, text),
    command: async (p, place, name, text) => {
      await say(p, place, `${place.channel.startsWith('dm:') ? '' : MENTION}/${name} ${text}`);
    },
    press: (p, ref, id) => press(p, ref, id),
    submit: (p, ref, id, form) => press(p, ref, id, 'text' in form ? { text: form.text } : { person: form.person.user }),
    edit: () => Promise.reject(new Error('a sent mail cannot be edited')),
    remove: () => Promise.reject(new Error('a sent mail cannot be deleted')),
    botSays: async (place, text) => {
      lastSent = await sendAs(bed.bot, { to: place.channel, text });
      return lastSent;
    },
    otherBotSays: async (place, text) => {
      lastSent = await sendAs(carol.user, { to: place.channel, text, headers: { 'Auto-Submitted': 'auto-replied' } });
      adapter.poll();
      return lastSent;
    },
    redeliverLast: async () => {
      await delivered();
      const again = (await readMailbox(bed.bot)).filter((m) => m.messageId === lastSent).at(-1);
      if (!again) throw new Error('nothing to redeliver');
      await appendTo(bed.bot, [again.source]);
      adapter.poll();
    },
    messagesIn: async (place) =>
      (await inList())
        .filter((m) => (place.thread ? m.messageId === place.thread || m.references.includes(place.thread) : m.inReplyTo === undefined))
        .map(shown),
    message: async (ref) => {
      const m = await find(ref);
      return m ? shown(m) : undefined;
    },
    dmsTo: async (p) => (await fromBot(p.user, 'dm')).map(shown),
    filesTo: async (p) => (await fromBot(p.user, 'dm')).flatMap((m) => m.attachments),
    noticesTo: async (p) => (await fromBot(p.user, 'notice')).map((m) => m.text),
    isLiveMention: (text) => {
      const markup = text.includes(HTML) ? text.slice(text.indexOf(HTML) + HTML.length) : '';
      return [...markup.matchAll(/</g)].some((m) => !OURS.test(markup.slice(m.index)));
    },
    liveMentionSample: `hi${HTML}<!doctype html><html><body><p><script>alert(1)</script></p></body></html>`,
    close: () => bed.close(),
  };
}

describeWithMail('email adapter', () => {
  runAdapterContract('email (Postfix + Dovecot)', harness, { noEdits: true, noDeletes: true, waitMs: 20_000 });
});
