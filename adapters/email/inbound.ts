import { ImapFlow } from 'imapflow';
import type { AdapterState, Logger } from '../../src/ports/index.js';

/** Where reading stopped: RFC 3501 UIDs only mean something within one UIDVALIDITY. */
interface Cursor {
  readonly uidValidity: string;
  readonly lastUid: number;
  /** UIDs handled within LOOK_BACK below `lastUid`: a late-appearing lower UID is taken once. */
  readonly recent?: readonly number[] | undefined;
}

/** How many messages one FETCH asks for: bounded memory with a mailbox of many thousands. */
const BATCH = 200;
/** How far below the last UID a late mail is still looked for. */
const LOOK_BACK = 100;

/**
 * The bot's INBOX over IMAP. IDLE tells us of new mail, but notifications are known to go
 * missing (a dropped IDLE, a server that coalesces EXISTS), so on every wake and on a timer we
 * also ask for the UIDs above the last one handled. That UID and the mailbox's UIDVALIDITY are
 * kept in the store after each message, so a restart neither misses nor repeats one.
 */
export class ImapReader {
  private client: ImapFlow | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = true;
  connected = false;
  lastError: string | undefined;

  constructor(
    private readonly imapUrl: string,
    private readonly state: AdapterState,
    private readonly handle: (source: Buffer) => Promise<'done' | 'retry'>,
    private readonly log: Logger,
    private readonly pollMs: number,
    private readonly commandTimeoutMs: number,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
    this.wake();
    await this.running;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running.catch(() => undefined);
    const c = this.client;
    this.client = undefined;
    this.connected = false;
    await c?.logout().catch(() => undefined);
  }

  /** Read what is new, after whatever read is running (reads never overlap). */
  wake(): void {
    this.running = this.running.then(() => this.readNew()).catch((err: unknown) => this.failed(err));
  }

  /**
   * One IMAP command, abandoned when it outlasts `commandTimeoutMs`: a connection that went quiet
   * without closing (or an IDLE that never ended) would otherwise hold every later read behind it.
   * The connection is then dropped and the next wake opens a new one.
   */
  private timed<T>(what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`IMAP ${what} timed out`)), this.commandTimeoutMs);
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private async connect(): Promise<void> {
    const u = new URL(this.imapUrl);
    const client = new ImapFlow({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'imaps:' ? 993 : 143)),
      secure: u.protocol === 'imaps:',
      auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
      logger: false,
      // The timer's search covers what IDLE misses; a long IDLE is fine.
      maxIdleTime: 5 * 60_000,
    });
    // Events of a connection already replaced must not mark the new one down.
    client.on('exists', () => this.wake());
    client.on('close', () => {
      if (this.client === client) this.connected = false;
    });
    client.on('error', (err: unknown) => {
      if (this.client === client) this.failed(err);
    });
    try {
      await this.timed('connect', client.connect());
      await this.timed('select', client.mailboxOpen('INBOX'));
    } catch (err) {
      client.close();
      throw err;
    }
    this.client = client;
    this.connected = true;
  }

  private async readNew(): Promise<void> {
    if (this.stopped) return;
    if (!this.client || !this.connected) await this.connect();
    const client = this.client!;
    const box = client.mailbox;
    if (!box) throw new Error('INBOX is not open');
    const validity = String(box.uidValidity);
    const saved = await this.state.get<Cursor>('imap', 'INBOX');
    // A new UIDVALIDITY renumbered the mailbox: read it all again; the core drops what it has seen by Message-ID.
    const same = saved !== undefined && saved.uidValidity === validity;
    let last = same ? saved.lastUid : 0;
    const recent = new Set(same ? (saved.recent ?? []) : []);
    // UIDs below the highest one handled can still appear: with concurrent deliveries Dovecot may
    // show a mail's UID after a higher one (seen with two LMTP deliveries a few ms apart). So the
    // search looks back a window below the last UID and takes what it has not handled.
    const low = Math.max(1, last - LOOK_BACK + 1);
    const found = (await this.timed('search', client.search({ uid: `${low}:*` }, { uid: true }))) || [];
    const fresh = found.filter((u) => u > last || (u >= low && !recent.has(u))).sort((a, b) => a - b);
    if (fresh.length > 0) this.log.debug({ after: last, uids: fresh.length }, 'email: new mail in the mailbox');
    for (let i = 0; i < fresh.length; i += BATCH) {
      if (this.stopped) return;
      const batch: { uid: number; source: Buffer }[] = [];
      const uids = fresh.slice(i, i + BATCH);
      await this.timed(
        'fetch',
        (async () => {
          for await (const m of client.fetch(uids.join(','), { uid: true, source: true }, { uid: true })) {
            if (m.source) batch.push({ uid: m.uid, source: m.source });
          }
        })(),
      );
      batch.sort((a, b) => a.uid - b.uid);
      for (const m of batch) {
        if (this.stopped) return;
        if ((await this.handle(m.source)) === 'retry') return;
        recent.add(m.uid);
        last = Math.max(last, m.uid);
        for (const u of recent) if (u <= last - LOOK_BACK) recent.delete(u);
        await this.state.set<Cursor>('imap', 'INBOX', { uidValidity: validity, lastUid: last, recent: [...recent] });
      }
    }
  }

  private failed(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
    this.log.warn({ err: this.lastError }, 'email: reading the mailbox failed; the timer tries again');
    const c = this.client;
    this.client = undefined;
    this.connected = false;
    c?.close();
  }
}
