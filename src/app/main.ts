import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DestinationStream } from 'pino';
import { builtInAdapters, configuredNetworks, type AdapterRegistry } from './adapter-registry.js';
import { NETWORK_SETUP_HINT } from '../config/networks.js';
import { loadConfig, type Config, type Env } from '../config/load-config.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { Engine } from '../core/engine.js';
import { createSealer, type Sealer } from '../core/sealer.js';
import type { EngineApi } from '../core/engine-api.js';
import { asFeelersError, FeelersError } from '../ports/errors.js';
import type { Logger } from '../ports/logger.js';
import { PromMetrics } from './prom-metrics.js';
import { HttpServer } from './http-server.js';
import { ExclusiveAdapter } from './connection-lease.js';
import { createLogger } from './create-logger.js';
import type { ChatAdapter } from '../ports/chat-adapter.js';
import type { Store } from '../ports/store.js';
import { Scheduler } from './scheduler.js';
import { storeCoordinator } from './cron-coordinator.js';
import { createStore } from '../store/create-store.js';
import { rateBudgetFor } from '../store/rate-budget-for.js';
import type { RateBudget } from '../ports/rate-budget.js';
import { Fts5TextIndex } from '../store/fts5-text-index.js';
import { SqliteSpool } from '../store/sqlite-spool.js';
import { Assets } from '../web/assets.js';
import { CONSOLE_ASSETS, OperatorConsole } from '../console/index.js';
import { startPlayground, wantsPlayground } from './playground/index.js';

/** How long shutdown lets the outbox drain before giving up on what is left (it stays queued). */
export const DRAIN_MS = 10_000;
/** How often a non-empty spool is offered to the store again. */
const SPOOL_REPLAY_MS = 2_000;

export interface StartOptions {
  /** Where config/feelers.yaml is looked for. Default: the working directory. */
  readonly cwd?: string | undefined;
  /** Log lines go here instead of stdout (tests read them). */
  readonly logDestination?: DestinationStream | undefined;
  /** Adapter factories by network name. Default: the ones this build ships. */
  readonly registry?: AdapterRegistry | undefined;
  /** Adapters built by the caller (the memory adapter in tests, later the playground). */
  readonly adapters?: readonly ChatAdapter[] | undefined;
  readonly clock?: Clock | undefined;
  /** Interface to listen on. Default: HOST, else all of them (a container's port mapping needs that); the playground: loopback. */
  readonly host?: string | undefined;
}

export interface FeelersHandle {
  /** The port actually bound (PORT=0 picks a free one). */
  readonly port: number;
  readonly config: Config;
  readonly engine: EngineApi;
  readonly logger: Logger;
  /** Stop the scheduler, the HTTP server and the engine (draining the outbox), then close the store. */
  stop(): Promise<void>;
}

/** The composition root: config, logger, store, adapters by name, engine, HTTP, scheduler. */
export async function startFeelers(env: Env, opts: StartOptions = {}): Promise<FeelersHandle> {
  const config = loadConfig(env, { cwd: opts.cwd });
  const logger = createLogger({ level: config.logLevel, destination: opts.logDestination });
  const clock = opts.clock;
  // Names this process in the store's claims and locks, and in logs.
  const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // One sealer for contacts (the engine) and adapter documents (tokens): FEELERS_SECRET_KEY's keys, or none.
  const sealer = createSealer(config.secretKeys);
  // No network to serve (or FEELERS_PLAYGROUND=1): the real engine on simulated networks, with a page to try it (docs/playground.md).
  if (wantsPlayground(config, opts.adapters?.length ?? 0)) {
    const playground = await startPlayground({ config, logger, sealer, instanceId, host: opts.host, drainMs: DRAIN_MS });
    return {
      port: playground.port,
      config,
      logger,
      get engine() {
        return playground.engine;
      },
      stop: () => playground.stop(),
    };
  }
  const store = await createStore(config.storeUrl, { logger: logger.child({ part: 'store' }), ...(clock ? { clock } : {}) });
  // Undone in reverse order if a later step fails, so a failed start leaves no open file or port.
  const undo: (() => Promise<void>)[] = [() => store.close()];

  try {
    let engine: Engine | undefined;
    const metrics = new PromMetrics();
    const http = new HttpServer({
      health: () => (engine ? engine.health() : Promise.resolve({ ok: false, parts: { engine: { ok: false, detail: 'starting' } } })),
      metrics,
      logger,
    });
    const built = [
      ...(await adaptersFor(config, opts.registry ?? builtInAdapters, { logger, http, store, sealer, budget: rateBudgetFor(store) })),
      ...(opts.adapters ?? []),
    ];
    // With a shared store, several instances run at once: a connection only one process may
    // hold goes to whichever instance holds its lease, and the new holder catches up on the gap.
    const adapters = built.map((a) =>
      a.singleConnection && store.kind === 'redis'
        ? new ExclusiveAdapter(a, {
            store,
            owner: instanceId,
            leaseMs: config.connectionLeaseMs,
            clock: clock ?? systemClock,
            log: logger.child({ part: 'lease', network: a.network }),
            onActive: () => engine?.catchUp(a.network) ?? Promise.resolve(0),
          })
        : a,
    );

    // A shared store can go away while this process keeps running; a local one goes with it.
    const spool = store.kind === 'redis' ? new SqliteSpool(config.spoolPath) : undefined;
    if (spool) undo.push(() => spool.close());
    // Search's index of earlier asks, in this process's memory (SQLite FTS5: docs/search.md).
    const textIndex = new Fts5TextIndex();
    undo.push(() => Promise.resolve(textIndex.close()));
    engine = new Engine({
      store,
      adapters,
      instanceId,
      spool,
      sealer,
      logger,
      metrics,
      settings: config.engine,
      textIndex,
      ...(clock ? { clock } : {}),
    });
    // The operators' console, only with FEELERS_CONSOLE_TOKEN; its live pages end before the server closes.
    const operatorConsole = config.console
      ? new OperatorConsole({ operator: engine.operator, token: config.console.token, logger: logger.child({ part: 'console' }), clock })
      : undefined;
    operatorConsole?.mount(http);
    // One /assets/ route for every page (a server has one per prefix): each part's extra files merged here.
    const assets = new Assets({ ...(operatorConsole ? CONSOLE_ASSETS : {}) });
    http.mountPrefix('GET', '/assets/', (req, res) => assets.serve(req.path.slice('/assets/'.length), req, res));
    const closeHttp = (): Promise<void> => {
      operatorConsole?.close();
      return http.close();
    };
    const port = await http.listen(config.port, opts.host ?? config.host);
    undo.push(closeHttp);
    logger.info(
      {
        port,
        store: store.kind,
        networks: adapters.map((a) => a.network),
        configFile: config.configFile ?? null,
        console: Boolean(operatorConsole),
      },
      'feelers listening',
    );

    await engine.start();
    const started = engine;
    undo.push(() => started.stop({ drainMs: DRAIN_MS }));

    const scheduler = new Scheduler({ engine, schedule: config.schedule, logger, coordinator: storeCoordinator(store, instanceId) });
    scheduler.start();
    // Events kept while the store was down are replayed as soon as it answers again.
    const replay = spool
      ? setInterval(() => {
          started.replaySpool().catch((err: unknown) => logger.warn({ err }, 'spool replay failed; will retry'));
        }, SPOOL_REPLAY_MS)
      : undefined;
    replay?.unref();

    let stopping: Promise<void> | undefined;
    return {
      port,
      config,
      engine,
      logger,
      stop: () => {
        stopping ??= (async () => {
          logger.info({}, 'feelers stopping');
          if (replay) clearInterval(replay);
          await scheduler.stop();
          await closeHttp();
          await started.stop({ drainMs: DRAIN_MS });
          await spool?.close();
          await store.close();
          logger.info({}, 'feelers stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
}

async function adaptersFor(
  config: Config,
  registry: AdapterRegistry,
  ctx: { logger: Logger; http: HttpServer; store: Store; sealer: Sealer; budget: RateBudget },
): Promise<ChatAdapter[]> {
  const wanted = configuredNetworks(config);
  const adapters: ChatAdapter[] = [];
  for (const network of wanted) {
    const factory = registry.get(network);
    if (!factory) {
      ctx.logger.warn({ network }, `${network} is configured, but this build has no ${network} adapter yet; it stays off`);
      continue;
    }
    adapters.push(await factory({ ...ctx, config, logger: ctx.logger.child({ network }) }));
  }
  if (adapters.length === 0) {
    ctx.logger.warn(
      { networks: [] },
      `No chat network is connected, so nobody can ask anything yet. ${NETWORK_SETUP_HINT} ` +
        'feelers keeps running and serving /healthz and /metrics meanwhile.',
    );
  }
  return adapters;
}

/** The process entry: start, stop cleanly on SIGTERM/SIGINT, exit 1 with a readable line on a bad start. */
export async function runMain(): Promise<void> {
  let app: FeelersHandle;
  try {
    app = await startFeelers(process.env);
  } catch (err) {
    // Bad configuration is the person's to fix: print the sentence that says how, not a stack.
    const e = asFeelersError(err);
    process.stderr.write(
      `feelers could not start (${e.code}):\n${e instanceof FeelersError && e.code !== 'unexpected' ? e.message : String(err)}\n`,
    );
    process.exit(1);
  }

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A terminal's Ctrl-C reaches both npm start's wrapper and this process; stop once.
    if (signalled) return;
    signalled = true;
    app.logger.info({ signal }, 'signal received');
    const force = setTimeout(() => {
      app.logger.error({}, 'shutdown took too long; exiting anyway');
      process.exit(1);
    }, DRAIN_MS + 10_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error({ err: asFeelersError(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) void runMain();
