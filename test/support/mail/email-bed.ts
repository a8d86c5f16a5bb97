import { createEmailAdapter, type EmailAdapter, type EmailAdapterOptions } from '../../../adapters/email/index.js';
import { HttpServer, type HttpRequest, type RouteHandler } from '../../../src/app/http-server.js';
import type { ServerResponse } from 'node:http';
import { Assets } from '../../../src/web/assets.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { createLogger } from '../../../src/app/create-logger.js';
import { mountEmailPages } from '../../../src/app/email-pages.js';
import { adapterState } from '../../../src/core/adapter-state.js';
import type { Place } from '../../../src/ports/places.js';
import type { Store } from '../../../src/ports/store.js';
import { createStore } from '../../../src/store/create-store.js';
import { mailTag, servers } from './servers.js';

/**
 * One email network on the real test servers, with fresh addresses: the bot
 * feelers-<tag>@test.example, the list list-<tag>@lists.test.example (members alice, bob, carol,
 * the bot and an archive), its community, and feelers' HTTP server with the link pages.
 */
export class EmailBed {
  readonly tag = mailTag();
  readonly bot = `feelers-${this.tag}@test.example`;
  readonly list = `list-${this.tag}@lists.test.example`;
  readonly archive = `archive-${this.tag}@test.example`;
  readonly community = `potters-${this.tag}`;
  readonly channel: Place = { network: 'email', community: this.community, channel: this.list };
  http!: HttpServer;
  publicUrl!: string;
  store!: Store;
  adapter!: EmailAdapter;

  address(name: string): string {
    return `${name}-${this.tag}@test.example`;
  }

  /** Set when the store is someone else's (an engine's): closed by them, not here. */
  private borrowed = false;

  /**
   * The adapter, not started; `store` is kept across `remake` (a restart of the process). With
   * `store`, the adapter keeps its state there, as the app gives it the engine's store.
   */
  async make(extra: Partial<EmailAdapterOptions> = {}, store?: Store): Promise<EmailAdapter> {
    if (store) {
      this.store = store;
      this.borrowed = true;
    }
    this.store ??= await createStore('memory://');
    if (!this.http) {
      this.http = new HttpServer({ health: () => Promise.resolve({ ok: true, parts: {} }), logger: silentLogger });
      const port = await this.http.listen(0, '127.0.0.1');
      this.publicUrl = `http://127.0.0.1:${port}`;
      // The pages' stylesheet and icon, as main.ts serves them.
      const assets = new Assets({});
      this.http.mountPrefix('GET', '/assets/', (req, res) => assets.serve(req.path.slice('/assets/'.length), req, res));
      this.http.mountPrefix('GET', '/email/', (req, res) => this.route('GET', req, res));
      this.http.mountPrefix('POST', '/email/', (req, res) => this.route('POST', req, res));
    }
    this.adapter = createEmailAdapter({
      smtpUrl: servers().smtpUrl,
      imapUrl: `${servers().imapUrl.replace('imap://', `imap://${encodeURIComponent(this.bot)}:test-pass@`)}`,
      from: this.bot,
      publicUrl: this.publicUrl,
      linkSecret: `secret-${this.tag}`,
      communities: [{ id: this.community, name: 'Potters List', members: ['test.example'] }],
      lists: [{ address: this.list, community: this.community }],
      state: adapterState(this.store, 'email'),
      pollMs: 250,
      // A stuck IMAP command costs a reconnect, not the contract's five-second wait.
      imapTimeoutMs: 2000,
      ...(process.env['FEELERS_TEST_EMAIL_LOG'] ? { logger: createLogger({ level: 'debug', destination: process.stderr }) } : {}),
      ...extra,
    });
    return this.adapter;
  }

  /** Link pages of the current adapter (a remade adapter takes over the same server). */
  private pages: { adapter: EmailAdapter; routes: Map<string, RouteHandler> } | undefined;

  private route(method: string, req: HttpRequest, res: ServerResponse): unknown {
    if (this.pages?.adapter !== this.adapter) {
      const routes = new Map<string, RouteHandler>();
      mountEmailPages({ mount: (m, p, h) => routes.set(`${m} ${p}`, h) }, this.adapter.links);
      this.pages = { adapter: this.adapter, routes };
    }
    const h = this.pages.routes.get(`${method} ${req.path}`);
    if (!h) {
      res.statusCode = 404;
      res.end();
      return undefined;
    }
    return h(req, res);
  }

  async close(): Promise<void> {
    await this.adapter?.stop().catch(() => undefined);
    await this.http?.close();
    if (!this.borrowed) await this.store?.close();
  }
}
