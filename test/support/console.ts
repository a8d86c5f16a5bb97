/**
 * The console's set-up: the whole app (src/app/main.ts's startFeelers) on a SQLite file, with
 * the console on and two memory networks in one world, so a test drives asks, replies and
 * intros as people would and reads the result the way an operator does, over HTTP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { createMemoryAdapter, MemoryWorld } from '../../adapters/memory/index.js';
import type { StoredMessage } from '../../adapters/memory/world-types.js';
import { startFeelers, type FeelersHandle } from '../../src/app/main.js';
import type { PersonRef, Place } from '../../src/ports/places.js';
import type { Admission } from '../../src/ports/chat-adapter.js';

export const CONSOLE_TOKEN = 'console-test-token-7f3c9a1e5b2d4c6e8a0b';

/** A contact that must never reach a console page. */
export const CONTACT = 'harold.contact.DO-NOT-SHOW@guild.example';

/** The cast: TrainingZone (north) asks; L&D Guild (south) answers; Makers (south) has a channel that is archived. */
export interface Cast {
  readonly anyAnswers: Place;
  readonly askAround: Place;
  readonly makersHelp: Place;
  readonly jane: PersonRef;
  readonly tess: PersonRef;
  readonly harold: PersonRef;
  readonly gita: PersonRef;
  readonly mo: PersonRef;
}

export class ConsoleApp {
  readonly world = new MemoryWorld();
  readonly cast: Cast;
  app!: FeelersHandle;
  logs = '';
  private dir = '';

  constructor(names: { harold?: string; makers?: string } = {}) {
    const w = this.world;
    w.addCommunity('north', { id: 'T1', name: 'TrainingZone' });
    w.addCommunity('south', { id: 'G1', name: 'L&D Guild' });
    w.addCommunity('south', { id: 'G2', name: names.makers ?? 'Makers' });
    this.cast = {
      anyAnswers: w.addChannel('north', 'T1', { id: 'C-any', name: 'any-answers' }),
      askAround: w.addChannel('south', 'G1', { id: 'C-ask', name: 'ask-around' }),
      makersHelp: w.addChannel('south', 'G2', { id: 'C-help', name: 'help' }),
      jane: w.addMember('north', 'T1', { id: 'U-jane', name: 'Jane' }),
      tess: w.addMember('north', 'T1', { id: 'U-tess', name: 'Tess', admin: true }),
      harold: w.addMember('south', 'G1', { id: 'U-harold', name: names.harold ?? 'Harold' }),
      gita: w.addMember('south', 'G1', { id: 'U-gita', name: 'Gita', admin: true }),
      mo: w.addMember('south', 'G2', { id: 'U-mo', name: 'Mo', admin: true }),
    };
  }

  /** `admission`: what each memory network admits without an operator (membership); default every community. */
  static async start(
    names: ConstructorParameters<typeof ConsoleApp>[0] = {},
    opts: { admission?: Record<string, Admission> } = {},
  ): Promise<ConsoleApp> {
    const c = new ConsoleApp(names);
    c.dir = mkdtempSync(join(tmpdir(), 'feelers-console-'));
    // Jane asks dozens of times in the pagination test: past the default of 5 a day.
    mkdirSync(join(c.dir, 'config'));
    writeFileSync(join(c.dir, 'config', 'feelers.yaml'), 'limits:\n  asksPerDay: 1000\n');
    c.app = await startFeelers(
      { PORT: '0', FEELERS_STORE: `sqlite://${join(c.dir, 'feelers.sqlite')}`, FEELERS_CONSOLE_TOKEN: CONSOLE_TOKEN, LOG_LEVEL: 'trace' },
      {
        cwd: c.dir,
        host: '127.0.0.1',
        logDestination: { write: (s: string) => void (c.logs += s) },
        adapters: ['north', 'south'].map((network) =>
          createMemoryAdapter({ world: c.world, network, admission: opts.admission?.[network] }),
        ),
      },
    );
    return c;
  }

  get base(): string {
    return `http://127.0.0.1:${this.app.port}`;
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Lets the outbox send everything due. */
  async settle(): Promise<void> {
    await this.app.engine.deliver();
  }

  /** Every channel connected by its admin; Makers' channel archived afterwards when `archiveMakers`. */
  async connectAll(opts: { archiveMakers?: boolean } = {}): Promise<void> {
    const { cast: c } = this;
    await this.world.command(c.tess, c.anyAnswers, 'feelers', 'connect');
    await this.world.command(c.gita, c.askAround, 'feelers', 'connect');
    await this.world.command(c.mo, c.makersHelp, 'feelers', 'connect');
    if (opts.archiveMakers) this.world.archiveChannel(c.makersHelp);
  }

  /** `/ask` by Jane in any-answers; returns the ask card once the outbox drained. */
  async ask(text: string): Promise<StoredMessage> {
    await this.world.command(this.cast.jane, this.cast.anyAnswers, 'ask', text);
    await this.settle();
    return this.lastBot(this.cast.anyAnswers);
  }

  lastBot(place: Place): StoredMessage {
    const m = this.world
      .messagesIn(place)
      .filter((x) => x.byBot)
      .at(-1);
    if (!m) throw new Error(`no bot message in ${JSON.stringify(place)}`);
    return m;
  }

  /** The bot's copy of an ask in a channel, found by a piece of the question. */
  copyOf(place: Place, piece: string): StoredMessage {
    const m = this.world.messagesIn(place).find((x) => x.byBot && x.text.includes(piece));
    if (!m) throw new Error(`no copy with "${piece}" in ${JSON.stringify(place)}`);
    return m;
  }

  lastDm(p: PersonRef): StoredMessage {
    const m = this.world.dmsTo(p).at(-1);
    if (!m) throw new Error(`no DM to ${p.user}`);
    return m;
  }

  thread(m: StoredMessage): Place {
    return { network: m.network, community: m.community, channel: m.channel, thread: m.thread ?? m.id };
  }

  /** A digest now, then the outbox drained. */
  async digest(): Promise<void> {
    await this.app.engine.digestTick();
    await this.settle();
  }

  // ---- the operator's side, over HTTP ------------------------------------------------------

  /** Signs in with fetch; returns the Cookie header value to send. */
  async signIn(token = CONSOLE_TOKEN): Promise<string> {
    const res = await this.post('/console/sign-in', { token }, '');
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    if (res.status !== 303 || !cookie.startsWith('feelers_console=')) throw new Error(`sign-in answered ${res.status}`);
    return cookie;
  }

  get(path: string, cookie: string): Promise<Response> {
    return fetch(`${this.base}${path}`, { headers: { cookie }, redirect: 'manual' });
  }

  /** A form POST as a browser on our own page sends it (with Origin). */
  post(path: string, fields: Record<string, string>, cookie: string, origin = this.base): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  }

  /** The CSRF token the page's forms carry. */
  static csrfOf(html: string): string {
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    if (!m?.[1]) throw new Error('no CSRF field on the page');
    return m[1];
  }

  /** Signs in in the browser by the form, as an operator would. */
  async signInIn(page: Page, token = CONSOLE_TOKEN): Promise<void> {
    await page.goto(`${this.base}/console`);
    await page.getByLabel('Console token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${this.base}/console`);
  }
}
