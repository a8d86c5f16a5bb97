import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ChatEvent } from '../ports/events.js';
import type { EventSpool, SpooledEvent } from '../ports/spool.js';

/**
 * The spool is a file of this instance's own, never the shared store: it is where events go
 * precisely when the shared store is unreachable.
 */
export class SqliteSpool implements EventSpool {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;
  private readonly del: Database.Statement;
  private readonly count: Database.Statement;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: an event is only "kept" once it is on disk; this file is written only while the store is down.
    this.db.pragma('synchronous = FULL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS spool (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, past_dedupe INTEGER NOT NULL)',
    );
    this.insert = this.db.prepare('INSERT INTO spool (event, past_dedupe) VALUES (?, ?)');
    this.select = this.db.prepare('SELECT seq, event, past_dedupe FROM spool ORDER BY seq LIMIT ?');
    this.del = this.db.prepare('DELETE FROM spool WHERE seq = ?');
    this.count = this.db.prepare('SELECT COUNT(*) AS n FROM spool');
  }

  async append(event: ChatEvent, pastDedupe: boolean): Promise<void> {
    // `raw` is the platform payload, kept for logs only; it is not needed to replay the event.
    const { raw: _raw, ...kept } = event;
    this.insert.run(JSON.stringify(kept), pastDedupe ? 1 : 0);
  }

  async oldest(limit: number): Promise<SpooledEvent[]> {
    const rows = this.select.all(limit) as { seq: number; event: string; past_dedupe: number }[];
    return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.event) as ChatEvent, pastDedupe: r.past_dedupe === 1 }));
  }

  async remove(seq: number): Promise<void> {
    this.del.run(seq);
  }

  async size(): Promise<number> {
    return (this.count.get() as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
