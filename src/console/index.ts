import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Routes } from '../web/http.js';
import type { OperatorApi } from '../core/operator-api.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import { redirect } from '../web/respond.js';
import { isHttps } from '../web/security.js';
import { Actions } from './actions.js';
import type { ConsoleDeps } from './deps.js';
import { Gate } from './gate.js';
import { LiveFeeds, LIVE_EVERY_MS } from './live.js';
import { ConsoleKeys } from './session.js';
import { SIGN_IN_LIMITS, SignInLimiter } from './sign-in-limit.js';
import { handleSignIn, signOut, startSession } from './sign-in.js';
import { Views } from './views.js';

/** The files the console's pages load, for the one Assets list main.ts builds (paths from the package root). */
export const CONSOLE_ASSETS: Readonly<Record<string, string>> = {
  'console.js': 'src/web/assets/console.js',
  // Kept in package.json and served from here: the policy allows scripts from this server only (no CDN).
  'cytoscape.min.js': 'node_modules/cytoscape/dist/cytoscape.min.js',
};

export interface OperatorConsoleOptions {
  readonly operator: OperatorApi;
  /** FEELERS_CONSOLE_TOKEN: what operators type to sign in, and what keys their sessions. */
  readonly token: string;
  readonly logger: Logger;
  readonly clock?: Clock | undefined;
  /** 'auto': cookies get `Secure` when the browser reached us over HTTPS; 'always': on every response. */
  readonly secureCookies?: 'auto' | 'always' | undefined;
  /** How often an open live page re-reads what it shows. */
  readonly liveEveryMs?: number | undefined;
  readonly signInLimits?: typeof SIGN_IN_LIMITS | undefined;
}

/**
 * The operators' console at /console: sign-in with the console token, then pages that read
 * the engine through the operator API (overview, asks, one ask's life, the community graph)
 * and the few actions an operator needs, each a POST with a CSRF token.
 */
export class OperatorConsole {
  private readonly deps: ConsoleDeps;
  private readonly gate: Gate;
  private readonly live: LiveFeeds;
  private readonly limiter: SignInLimiter;

  constructor(o: OperatorConsoleOptions) {
    const clock = o.clock ?? systemClock;
    const always = o.secureCookies === 'always';
    this.deps = {
      operator: o.operator,
      keys: new ConsoleKeys(o.token),
      log: o.logger,
      now: () => clock.now(),
      secure: (req) => always || isHttps(req),
    };
    this.gate = new Gate(this.deps);
    this.live = new LiveFeeds(o.logger, o.liveEveryMs ?? LIVE_EVERY_MS);
    this.limiter = new SignInLimiter(o.signInLimits ?? SIGN_IN_LIMITS);
  }

  mount(http: Routes): void {
    const { gate } = this;
    const views = new Views(this.deps, this.live);
    const actions = new Actions(this.deps, gate);
    http.mount('GET', '/console', gate.pageRoute(views.overview));
    http.mount('GET', '/console/', (_req, res) => redirect(res, '/console'));
    http.mount('POST', '/console/sign-in', (req, res) => handleSignIn(this.deps, this.limiter, req, res));
    http.mount(
      'POST',
      '/console/sign-out',
      gate.actionRoute(async (v) => signOut(this.deps, v.req, v.res, v.by.operator)),
    );
    http.mount('GET', '/console/asks', gate.pageRoute(views.asks));
    http.mount('GET', '/console/ask', gate.pageRoute(views.ask));
    http.mount('GET', '/console/communities', gate.pageRoute(views.communities));
    http.mount('GET', '/console/moderation', gate.pageRoute(views.moderation));
    http.mount('GET', '/console/overview/live', gate.dataRoute(views.overviewFragment));
    http.mount('GET', '/console/ask/live', gate.dataRoute(views.askFragment));
    http.mount('GET', '/console/graph.json', gate.dataRoute(views.graph));
    http.mount('GET', '/console/events', gate.dataRoute(views.events));
    http.mount('POST', '/console/ask/close', gate.actionRoute(actions.closeAsk));
    http.mount('POST', '/console/ask/retract', gate.actionRoute(actions.retractAsk));
    http.mount('POST', '/console/grounds/disconnect', gate.actionRoute(actions.disconnectGround));
    http.mount('POST', '/console/people/prods', gate.actionRoute(actions.prods));
    http.mount('POST', '/console/communities/decide', gate.actionRoute(actions.decideCommunity));
    http.mount('POST', '/console/communities/sharing', gate.actionRoute(actions.changeSharing));
  }

  /**
   * Signs this browser in without the token form and redirects to `next` (a console path):
   * for a caller that has already decided the visitor may operate (the playground, for a
   * visitor on the loopback interface).
   */
  startSession(req: IncomingMessage, res: ServerResponse, next = '/console'): void {
    startSession(this.deps, req, res, next);
  }

  /** Ends the live streams, so the HTTP server's close is not held open by them. Call before it. */
  close(): void {
    this.live.close();
  }

  /** Live streams open now (tests check that a closed page stops its timer). */
  get liveStreams(): number {
    return this.live.open;
  }
}
