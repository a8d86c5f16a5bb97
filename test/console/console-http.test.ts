import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_TOKEN, CONTACT, ConsoleApp } from '../support/console.js';
import { sleep } from '../support/wait.js';

/** The console over HTTP, as a browser (or anyone else) reaches it: who gets in, and what an action needs. */

let c: ConsoleApp | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

async function started(): Promise<ConsoleApp> {
  c = await ConsoleApp.start();
  return c;
}

/** The ids of the asks on an asks page, in the order shown. */
function askIdsOn(html: string): string[] {
  return [...html.matchAll(/href="\/console\/ask\?id=([^"]+)"/g)].map((m) => decodeURIComponent(m[1] ?? ''));
}

describe('the console without a session', () => {
  it('shows only the sign-in form, redirects pages to it and refuses data and actions', async () => {
    const a = await started();
    const home = await a.get('/console', '');
    expect(home.status).toBe(200);
    const body = await home.text();
    expect(body).toContain('Console token');
    expect(body).not.toContain('Open asks');

    const asks = await a.get('/console/asks?state=open', '');
    expect(asks.status).toBe(303);
    expect(asks.headers.get('location')).toBe(`/console?next=${encodeURIComponent('/console/asks?state=open')}`);
    for (const path of ['/console/graph.json', '/console/events?view=overview', '/console/overview/live']) {
      expect((await a.get(path, '')).status).toBe(401);
    }
    expect((await a.post('/console/ask/close', { id: 'x' }, '')).status).toBe(401);
    // A made-up or tampered cookie is no session.
    expect(await (await a.get('/console', 'feelers_console=abc.def.ghi')).text()).toContain('Console token');
  });

  it('refuses a wrong token with a 401 and a sentence, and signs in with the right one', async () => {
    const a = await started();
    const wrong = await a.post('/console/sign-in', { token: `${CONSOLE_TOKEN}x` }, '');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That is not the console token');
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const right = await a.post('/console/sign-in', { token: CONSOLE_TOKEN, next: '/console/asks' }, '');
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/console/asks');
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^feelers_console=[\w-]+\.[0-9a-z]+\.[\w-]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    // Plain HTTP here: Secure would stop the browser sending it back.
    expect(cookie).not.toContain('Secure');
    expect((await a.get('/console/asks', cookie.split(';')[0] ?? '')).status).toBe(200);

    // Never an open redirect: a next that leaves the console goes to the overview.
    for (const next of ['https://evil.example/', '//evil.example/console', '/consolex', '/console/../x\\y']) {
      const res = await a.post('/console/sign-in', { token: CONSOLE_TOKEN, next }, '');
      expect(res.headers.get('location')).toBe('/console');
    }
  });

  it('marks the cookie Secure behind a proxy that says the browser came over HTTPS', async () => {
    const a = await started();
    const res = await fetch(`${a.base}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https', origin: a.base },
      body: new URLSearchParams({ token: CONSOLE_TOKEN }).toString(),
      redirect: 'manual',
    });
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('answers 429 with Retry-After once the sign-in attempts are spent, even to the right token', async () => {
    const a = await started();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await a.post('/console/sign-in', { token: `guess-${i}` }, '')).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const limited = await a.post('/console/sign-in', { token: CONSOLE_TOKEN }, '');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many sign-in attempts');
    expect(limited.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a sign-in posted from another site', async () => {
    const a = await started();
    const res = await a.post('/console/sign-in', { token: CONSOLE_TOKEN }, '', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('actions', () => {
  it('refuses a close without its CSRF token or from another origin (the ask stays open), and closes with it', async () => {
    const a = await started();
    await a.connectAll();
    const card = await a.ask('Who runs a good mentoring scheme? #mentoring');
    const cookie = await a.signIn();
    const [id] = askIdsOn(await (await a.get('/console/asks', cookie)).text());
    expect(id).toBeDefined();
    const page = await (await a.get(`/console/ask?id=${id}`, cookie)).text();
    const csrf = ConsoleApp.csrfOf(page);
    expect(page).toContain('Close this ask');

    const without = await a.post('/console/ask/close', { id: id ?? '' }, cookie);
    expect(without.status).toBe(403);
    expect(await without.text()).toContain('nothing was done');
    const wrong = await a.post('/console/ask/close', { id: id ?? '', csrf: `${csrf.slice(0, -2)}xx` }, cookie);
    expect(wrong.status).toBe(403);
    const otherSite = await a.post('/console/ask/close', { id: id ?? '', csrf }, cookie, 'https://evil.example');
    expect(otherSite.status).toBe(403);
    // Another session's token is no good either.
    const other = await a.signIn();
    expect((await a.post('/console/ask/close', { id: id ?? '', csrf }, other)).status).toBe(403);
    await a.settle();
    expect(await (await a.get(`/console/ask?id=${id}`, cookie)).text()).toContain('state-open');
    const threadBefore = a.world.messagesIn(a.thread(card)).length;

    const done = await a.post('/console/ask/close', { id: id ?? '', csrf }, cookie);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/console/ask?id=${encodeURIComponent(id ?? '')}`);
    await a.settle();
    const after = await a.get(`/console/ask?id=${id}`, `${cookie}; ${(done.headers.get('set-cookie') ?? '').split(';')[0]}`);
    const text = await after.text();
    expect(text).toContain('state-closed');
    expect(text).toContain('The ask is closed');
    expect(text).not.toContain('Close this ask</button>');
    // The asker's thread got the final summary.
    const thread = a.world.messagesIn(a.thread(card));
    expect(thread.length).toBeGreaterThan(threadBefore);
    expect(thread.at(-1)?.byBot).toBe(true);
    // Closing again changes nothing and says so.
    const again = await a.post('/console/ask/close', { id: id ?? '', csrf }, cookie);
    expect(again.status).toBe(303);
  });

  it('disconnects a ground and pauses prods, each with a notice; bad fields get a 400, a non-form 415', async () => {
    const a = await started();
    await a.connectAll();
    await a.settle();
    const cookie = await a.signIn();
    const overview = await (await a.get('/console', cookie)).text();
    expect(overview).toContain('#ask-around');
    const csrf = ConsoleApp.csrfOf(overview);

    const res = await a.post(
      '/console/grounds/disconnect',
      { csrf, network: 'south', community: 'G1', channel: 'C-ask', label: 'ask-around' },
      cookie,
    );
    expect(res.status).toBe(303);
    const flash = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const next = await (await a.get('/console', `${cookie}; ${flash}`)).text();
    expect(next).toContain('#ask-around (south) is disconnected');
    expect(next).not.toContain('<th scope="row" class="text">#ask-around</th>');

    const pause = await a.post('/console/people/prods', { csrf, where: 'south:G1', user: 'U-harold', paused: 'yes' }, cookie);
    expect(pause.status).toBe(303);
    const paused = await (await a.get('/console', `${cookie}; ${(pause.headers.get('set-cookie') ?? '').split(';')[0]}`)).text();
    expect(paused).toContain('Prods and referrals to U-harold in G1 (south) are paused.');

    expect((await a.post('/console/people/prods', { csrf, where: 'south', user: 'U-harold', paused: 'yes' }, cookie)).status).toBe(400);
    expect((await a.post('/console/grounds/disconnect', { csrf, network: 'south' }, cookie)).status).toBe(400);
    const json = await fetch(`${a.base}/console/ask/close`, {
      method: 'POST',
      headers: { cookie, origin: a.base, 'content-type': 'application/json' },
      body: JSON.stringify({ csrf, id: 'x' }),
    });
    expect(json.status).toBe(415);
  });
});

describe('pages', () => {
  it('pages 60 asks as 25, 25 and 10, newest first, reading only the page shown', async () => {
    const a = await started();
    for (let i = 1; i <= 60; i++) {
      await a.world.command(a.cast.jane, a.cast.anyAnswers, 'ask', `Question number ${i} about pagination?`);
      // Distinct creation times, so "newest first" has one answer.
      await sleep(2);
    }
    await a.settle();
    const cookie = await a.signIn();
    const pages = await Promise.all([1, 2, 3].map(async (p) => (await a.get(`/console/asks?page=${p}`, cookie)).text()));
    const rows = pages.map((html) => [...html.matchAll(/Question number (\d+) about/g)].map((m) => Number(m[1])));
    expect(rows.map((r) => r.length)).toEqual([25, 25, 10]);
    expect(rows.flat()).toEqual(Array.from({ length: 60 }, (_, i) => 60 - i));
    expect(pages[0]).toContain('1–25 of 60');
    expect(pages[0]).toContain('rel="next"');
    expect(pages[0]).not.toContain('rel="prev"');
    expect(pages[2]).toContain('51–60 of 60');
    expect(pages[2]).toContain('rel="prev"');
    expect(pages[2]).not.toContain('rel="next"');

    const found = await (await a.get(`/console/asks?q=${encodeURIComponent('number 42')}`, cookie)).text();
    expect(found).toContain('Question number 42 about');
    const none = await (await a.get('/console/asks?state=closed', cookie)).text();
    expect(none).toContain('No ask matches.');
  });

  it('answers bad queries with 400 or 404 pages, never a crash', async () => {
    const a = await started();
    const cookie = await a.signIn();
    for (const path of ['/console/asks?page=abc', '/console/asks?page=0', '/console/asks?state=maybe', '/console/communities?days=9999']) {
      const res = await a.get(path, cookie);
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain('class="error"');
    }
    expect((await a.get('/console/graph.json?days=-1', cookie)).status).toBe(400);
    for (const path of ['/console/ask?id=nope', '/console/ask', `/console/ask?id=${'x'.repeat(500)}`]) {
      expect((await a.get(path, cookie)).status, path).toBe(404);
    }
    expect((await a.get('/console/ask/live?id=nope', cookie)).status).toBe(404);
    expect((await a.get('/console/events', cookie)).status).toBe(400);
  });

  it('never shows a contact, and never logs the token or the session cookie', async () => {
    const a = await started();
    await a.connectAll();
    await a.world.command(a.cast.harold, a.cast.askAround, 'feelers', `contact ${CONTACT}`);
    await a.world.command(a.cast.jane, a.cast.anyAnswers, 'feelers', 'contact jane.contact.DO-NOT-SHOW@tz.example');
    const card = await a.ask('Who knows about onboarding? #onboarding');
    await a.world.say(a.cast.harold, a.thread(a.lastBot(a.cast.askAround)), 'I do, ask me.');
    await a.digest();
    await a.world.press(a.cast.jane, a.lastBot(a.thread(card)).id, 'Request intro');
    await a.settle();
    await a.world.press(a.cast.harold, a.lastDm(a.cast.harold).id, 'Share my contact');
    await a.settle();
    expect(a.lastDm(a.cast.jane).text).toContain(CONTACT);

    const cookie = await a.signIn();
    const [id] = askIdsOn(await (await a.get('/console/asks', cookie)).text());
    const everything = (
      await Promise.all(
        [
          '/console',
          '/console/asks',
          `/console/ask?id=${id}`,
          '/console/communities',
          '/console/graph.json',
          `/console/ask/live?id=${id}`,
        ].map(async (p) => (await a.get(p, cookie)).text()),
      )
    ).join('\n');
    expect(everything).toContain('I do, ask me.');
    expect(everything).not.toContain('DO-NOT-SHOW');

    const session = cookie.split('=')[1] ?? '';
    expect(a.logs).toContain('console: signed in');
    expect(a.logs).not.toContain(CONSOLE_TOKEN);
    expect(a.logs).not.toContain(session);
    expect(a.logs).not.toContain(session.split('.')[0]);
  });
});
