import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composable, composeMail, type MimeMail } from '../../../adapters/email/mime.js';

const base: MimeMail = {
  from: { address: 'feelers@test.example', name: 'feelers' },
  to: 'potters@lists.test.example',
  subject: 'Jane: who teaches raku firing near Leeds?',
  text: 'Jane in TrainingZone asks:\n\n> Who teaches raku?\n\nAnswer: http://127.0.0.1:8080/email/link?t=abc.def\n',
  html: '<!doctype html><html><body><p>Jane in TrainingZone asks:</p><p><a href="http://127.0.0.1:8080/email/link?t=abc.def">Answer</a></p></body></html>',
  messageId: '<f-abc123@test.example>',
  date: new Date(Date.UTC(2026, 11, 4, 21, 10, 17)),
  replyTo: 'feelers+tok123@test.example',
  headers: { 'X-Feelers-Kind': 'post' },
};

const parse = (m: MimeMail) => simpleParser(Buffer.from(composeMail(m)));

/**
 * The mails feelers composes itself, read back by a mail parser as a reader's client would:
 * every header and part arrives as it was meant, whatever a person's words in them hold.
 */
describe('composed mail', () => {
  it('reads back with its headers, both parts, and lines a relay accepts', async () => {
    const raw = composeMail({ ...base, inReplyTo: '<f-card@test.example>', references: ['<f-card@test.example>'] });
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(raw.split('\r\n').filter((l) => l.length > 78)).toEqual([]);
    expect(raw).not.toMatch(/[^\r]\n/);
    const p = await simpleParser(Buffer.from(raw));
    expect(p.from?.value).toEqual([{ address: 'feelers@test.example', name: 'feelers' }]);
    expect(p.subject).toBe(base.subject);
    expect(p.messageId).toBe('<f-abc123@test.example>');
    expect(p.inReplyTo).toBe('<f-card@test.example>');
    expect(p.references).toBe('<f-card@test.example>');
    expect(p.replyTo?.value[0]?.address).toBe('feelers+tok123@test.example');
    expect(p.headers.get('auto-submitted')).toBe('auto-generated');
    expect(p.headers.get('x-feelers-kind')).toBe('post');
    expect(p.date?.toISOString()).toBe('2026-12-04T21:10:17.000Z');
    expect(p.text).toBe(base.text);
    expect(p.html).toBe(base.html);
  });

  it('keeps a subject and a name with line breaks, specials and any script on one header each', async () => {
    const subject = 'Raku? — 陶芸の窯 🔥\r\nBcc: everyone@test.example\nX-Injected: yes =?UTF-8?B?eA==?= and a long tail '.repeat(3);
    const name = 'Potters, "the List" ☕\r\nX-Evil: 1';
    const p = await parse({ ...base, subject, from: { address: base.from.address, name } });
    expect(p.subject).toBe(subject.replace(/[\r\n]+/g, ' '));
    expect(p.from?.value[0]).toEqual({ address: 'feelers@test.example', name: name.replace(/[\r\n]+/g, ' ') });
    expect(p.headers.has('bcc')).toBe(false);
    expect(p.headers.has('x-injected')).toBe(false);
    expect(p.headers.has('x-evil')).toBe(false);
    expect(p.bcc).toBeUndefined();
    const short = await parse({ ...base, subject: 'Hi\r\nBcc: everyone@test.example' });
    expect(short.subject).toBe('Hi Bcc: everyone@test.example');
    expect(short.headers.has('bcc')).toBe(false);
  });

  it('keeps quoted names plain-ASCII and round-trips text that is not ASCII', async () => {
    const p = await parse({
      ...base,
      from: { address: base.from.address, name: 'feelers (L&D Guild)' },
      text: 'Crème brûlée · 陶芸\r\nline two\n',
      html: '<p>Crème &lt;b&gt; · 陶芸</p>',
    });
    expect(p.from?.value[0]?.name).toBe('feelers (L&D Guild)');
    expect(p.text).toBe('Crème brûlée · 陶芸\nline two\n');
    expect(p.html).toBe('<p>Crème &lt;b&gt; · 陶芸</p>');
  });

  it('is refused for addresses, ids or headers that would need more than plain text', () => {
    expect(composable(base)).toBe(true);
    expect(composable({ ...base, to: 'Jane <jane@test.example>' })).toBe(false);
    expect(composable({ ...base, to: 'jäne@test.example' })).toBe(false);
    expect(composable({ ...base, replyTo: 'a@test.example\r\nBcc: b@test.example' })).toBe(false);
    expect(composable({ ...base, inReplyTo: '<a@b>\r\nX: y' })).toBe(false);
    expect(composable({ ...base, references: ['not-an-id'] })).toBe(false);
    expect(composable({ ...base, headers: { 'X-Feelers-Kind': 'post\r\nBcc: b@test.example' } })).toBe(false);
    expect(composable({ ...base, headers: { 'Bad Name': 'x' } })).toBe(false);
  });
});
