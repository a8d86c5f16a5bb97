import type { Config, ScheduleConfig } from '../../config/load-config.js';
import { defaults } from '../../config/schema.js';
import type { EngineApi, HealthReport } from '../../core/engine-api.js';
import type { Sealer } from '../../core/sealer.js';
import type { Logger } from '../../ports/logger.js';
import { CONSOLE_ASSETS } from '../../console/index.js';
import { Assets } from '../../web/assets.js';
import { configuredNetworks } from '../adapter-registry.js';
import { HttpServer } from '../http-server.js';
import { PromMetrics } from '../prom-metrics.js';
import { openConsole, playgroundConsole } from './console.js';
import { Playground } from './playground.js';
import { mountPlayground } from './routes.js';
import { NETWORKS } from './seed-world.js';

/** The playground's files under /assets/, for whoever builds the one Assets of the server. */
export const PLAYGROUND_ASSETS: Readonly<Record<string, string>> = { 'playground.css': 'src/web/assets/playground.css' };

/**
 * Whether `startFeelers` runs the playground: FEELERS_PLAYGROUND=1 says yes, =0 says no, and
 * unset it runs when no network is configured (no token in the environment, no adapter passed
 * in), so `npm start` on a fresh clone shows what feelers does.
 */
export function wantsPlayground(config: Config, passedAdapters: number): boolean {
  if (config.playground.wanted !== undefined) return config.playground.wanted;
  return configuredNetworks(config).length === 0 && passedAdapters === 0;
}

/** The playground schedules digests every minute, unless FEELERS_DIGEST_CRON or the YAML file chose. */
export function playgroundSchedule(schedule: ScheduleConfig): ScheduleConfig {
  return schedule.digest === defaults.schedule.digest ? { ...schedule, digest: defaults.playgroundDigest } : schedule;
}

export interface PlaygroundStart {
  readonly config: Config;
  readonly logger: Logger;
  readonly sealer: Sealer;
  readonly instanceId: string;
  /** The interface to listen on; default HOST, else loopback (the playground has no sign-in). */
  readonly host?: string | undefined;
  /** How long stopping lets the outbox drain. */
  readonly drainMs: number;
}

export interface PlaygroundHandle {
  readonly port: number;
  /** The engine serving now (Reset replaces it). */
  readonly engine: EngineApi;
  stop(): Promise<void>;
}

/**
 * The playground's composition: one HTTP server (probes, metrics, assets, the page) in front of
 * a Playground whose runtime (store, world, engine, schedule) Reset can replace.
 */
export async function startPlayground(o: PlaygroundStart): Promise<PlaygroundHandle> {
  const { config, logger } = o;
  const log = logger.child({ part: 'playground' });
  const ignored = configuredNetworks(config);
  if (ignored.length > 0) {
    log.warn(
      { networks: ignored },
      'FEELERS_PLAYGROUND=1: the configured networks are not started; the playground runs on its own simulated ones',
    );
  }
  const metrics = new PromMetrics();
  const playground = new Playground({
    storeUrl: config.playground.storeUrl,
    settings: config.engine,
    schedule: playgroundSchedule(config.schedule),
    sealer: o.sealer,
    instanceId: o.instanceId,
    logger,
    metrics,
  });
  const starting: HealthReport = { ok: false, parts: { engine: { ok: false, detail: 'starting' } } };
  const http = new HttpServer({ health: () => playground.engine?.health() ?? Promise.resolve(starting), metrics, logger });
  // The console is on in the playground (see console.ts); its live pages end before the server closes.
  const operatorConsole = playgroundConsole(playground, { token: config.console?.token, logger });
  operatorConsole.mount(http);
  // One /assets/ route for every page (a server has one per prefix): the playground's files and the console's.
  const assets = new Assets({ ...PLAYGROUND_ASSETS, ...CONSOLE_ASSETS });
  http.mountPrefix('GET', '/assets/', (req, res) => assets.serve(req.path.slice('/assets/'.length), req, res));
  mountPlayground(http, { playground, log, openConsole: (req, res) => openConsole(operatorConsole, req, res) });

  await playground.start();
  const host = o.host ?? config.host ?? defaults.playgroundHost;
  let port: number;
  try {
    port = await http.listen(config.port, host);
  } catch (err) {
    operatorConsole.close();
    await playground.stop(0);
    throw err;
  }
  logger.info(
    { port, host, store: storeKind(config.playground.storeUrl), networks: NETWORKS.map((n) => n.name), playground: true, console: true },
    'feelers listening',
  );
  // The last line of the start log: what a newcomer opens.
  logger.info({ url: addressOf(host, port) }, `feelers playground: open ${addressOf(host, port)}`);

  let stopping: Promise<void> | undefined;
  return {
    port,
    get engine(): EngineApi {
      const engine = playground.engine;
      if (!engine) throw new Error('the playground is resetting');
      return engine;
    },
    stop: () => {
      stopping ??= (async () => {
        logger.info({}, 'feelers stopping');
        playground.hub.close();
        operatorConsole.close();
        await http.close();
        await playground.stop(o.drainMs);
        logger.info({}, 'feelers stopped');
      })();
      return stopping;
    },
  };
}

/** The URL to open: a wildcard address is reached through loopback. */
function addressOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

function storeKind(url: string): string {
  return url.slice(0, url.indexOf('://'));
}
