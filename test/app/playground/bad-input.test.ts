import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, startPlayground, type PlaygroundRun } from '../../support/playground.js';

/**
 * What the playground's HTTP side answers to what a page would never send, or a visitor may
 * not do: a sentence and a 4xx, never a 500, and nothing logged as a failure.
 */

let run: PlaygroundRun;
let where: ReturnType<typeof playgroundDir>;
const JANE = 'workspace:TZ:U-jane';
const HAROLD = 'server:LDG:U-harold';

beforeAll(async () => {
  where = playgroundDir();
  run = await startPlayground(where.dir, where.storeUrl);
});
afterAll(async () => {
  await run?.stop();
  where?.dispose();
});

/** A form POST as the page sends it (same origin). */
function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${run.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: run.base, ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

async function expectRefusal(res: Response, status: number, sentence: string): Promise<void> {
  const body = await res.text();
  expect(res.status).toBe(status);
  expect(body).toContain(sentence);
}

/** A copy of Jane's question in L&D Guild (the page's own ids), once the outbox has sent it. */
async function askAndFindCopy(): Promise<{ message: string; buttons: Record<string, string> }> {
  expect(
    (await post('/playground/ask', { as: JANE, question: 'Where do good mentors come from? #learning', channel: 'C-any' })).status,
  ).toBe(303);
  for (let i = 0; i < 200; i++) {
    const page = await (await fetch(`${run.base}/playground/world?as=${encodeURIComponent(HAROLD)}`)).text();
    const section = page.split('id="ch--server--LDG--C-ask"')[1] ?? '';
    const id = /<article id="(m\d+)"/.exec(section)?.[1];
    if (id) {
      const buttons: Record<string, string> = {};
      // The copy's own buttons: those before its thread (later articles have buttons of the same names).
      const article = (section.split(`<article id="${id}"`)[1] ?? '').split('<div class="thread">')[0] ?? '';
      for (const m of article.matchAll(/name="button" value="([^"]+)" \/>\s*<button type="submit" class="[^"]*">([^<]+)<\/button>/g)) {
        buttons[m[2] ?? ''] = m[1] ?? '';
      }
      return { message: id, buttons };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no copy arrived in L&D Guild');
}

describe('the playground refuses bad input with a sentence and a 4xx', () => {
  it('an empty question', async () => {
    await expectRefusal(await post('/playground/ask', { as: JANE, question: '   ', channel: 'C-any' }), 400, 'Write a question first');
  });

  it('a channel of another community', async () => {
    await expectRefusal(
      await post('/playground/ask', { as: JANE, question: 'Hello?', channel: 'C-ask' }),
      400,
      'Pick a channel of TrainingZone',
    );
  });

  it('an unknown person in `as`, on the page and in a form', async () => {
    await expectRefusal(await fetch(`${run.base}/?as=nobody:at:all`), 400, 'Nobody in the playground goes by that');
    await expectRefusal(await fetch(`${run.base}/playground/world?as=x`), 400, 'Nobody in the playground goes by that');
    await expectRefusal(await post('/playground/ask', { as: 'x', question: 'Hi?' }), 400, 'Nobody in the playground goes by that');
  });

  it('an unknown message or button', async () => {
    await expectRefusal(
      await post('/playground/press', { as: JANE, message: 'm99999', button: 'x' }),
      404,
      'That message is not in the playground',
    );
    const { message } = await askAndFindCopy();
    await expectRefusal(await post('/playground/press', { as: HAROLD, message, button: 'no-such-button' }), 404, 'no such button');
    await expectRefusal(
      await fetch(`${run.base}/playground/press?as=${encodeURIComponent(HAROLD)}&message=${message}&button=nope`),
      404,
      'no such button',
    );
  });

  it('a press by someone outside the community, or in someone else’s direct messages', async () => {
    const { message, buttons } = await askAndFindCopy();
    await expectRefusal(
      await post('/playground/press', { as: JANE, message, button: buttons['Follow'] ?? '' }),
      403,
      'Act as someone in L&amp;D Guild to use this',
    );
    await expectRefusal(
      await post('/playground/say', { as: JANE, message, text: 'hi' }),
      403,
      'Act as someone in L&amp;D Guild to reply here',
    );
    // Harold's DMs hold the question (he knows #learning); Karyn, in the same community, may not press there.
    const dms = await (await fetch(`${run.base}/playground/world?as=${encodeURIComponent(HAROLD)}`)).text();
    const dmPart = dms.split('id="dms-h"')[1]?.split('<form method="post" action="/playground/dm"')[0] ?? '';
    const dmMessage = /<article id="(m\d+)"/.exec(dmPart)?.[1] ?? '';
    const dmButton = /name="button" value="([^"]+)"/.exec(dmPart.split(`<article id="${dmMessage}"`)[1] ?? '')?.[1] ?? '';
    expect(dmMessage).not.toBe('');
    await expectRefusal(
      await post('/playground/press', { as: 'server:LDG:U-karyn', message: dmMessage, button: dmButton }),
      403,
      'someone else’s direct messages',
    );
  });

  it('a form left empty, and a person picked from outside the community', async () => {
    const { message, buttons } = await askAndFindCopy();
    await expectRefusal(await post('/playground/press', { as: HAROLD, message, button: buttons['Answer'] ?? '', text: '' }), 400, 'first');
    await expectRefusal(
      await post('/playground/press', { as: HAROLD, message, button: buttons['I know someone'] ?? '', person: 'U-jane' }),
      400,
      'Pick someone in L&amp;D Guild',
    );
    await expectRefusal(await post('/playground/say', { as: HAROLD, message, text: '' }), 400, 'Write a reply first');
    await expectRefusal(await post('/playground/dm', { as: HAROLD, text: '' }), 400, 'Write a message first');
    await expectRefusal(
      await fetch(`${run.base}/playground/press?as=${encodeURIComponent(HAROLD)}&message=${message}&button=${buttons['Follow'] ?? ''}`),
      400,
      'needs no form',
    );
  });

  it('a reset without its confirmation, a request from another site, and a body that is not a form', async () => {
    await expectRefusal(await post('/playground/reset', { as: JANE }), 400, 'Reset needs its confirmation');
    await expectRefusal(
      await post('/playground/reset', { as: JANE, confirm: 'yes' }, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }),
      403,
      'another site',
    );
    const json = await fetch(`${run.base}/playground/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: run.base },
      body: '{}',
    });
    expect(json.status).toBe(415);
  });

  it('opens the console only from the page itself', async () => {
    const res = await post('/playground/console', { as: JANE }, { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('logged none of it as a failure', () => {
    expect(run.logs()).not.toContain('HTTP handler failed');
    expect(run.logs()).not.toContain('playground action failed');
  });
});
