import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OperatorConsole } from '../../console/index.js';
import type { OperatorApi } from '../../core/operator-api.js';
import type { Logger } from '../../ports/logger.js';
import { sendHtml } from '../../web/respond.js';
import { messagePage } from './pages/page.js';
import type { Playground } from './playground.js';

/**
 * The operators' console beside the playground, on the same engine. The playground turns it on
 * by itself: with FEELERS_CONSOLE_TOKEN it takes that token, without one a random one nobody
 * knows, so only "Open the console" (which signs the browser in) reaches it, and only from
 * this computer.
 */
export function playgroundConsole(playground: Playground, o: { token: string | undefined; logger: Logger }): OperatorConsole {
  return new OperatorConsole({
    operator: currentOperator(playground),
    token: o.token ?? randomBytes(32).toString('base64url'),
    logger: o.logger.child({ part: 'console' }),
  });
}

/** "Open the console": a session for a visitor on the loopback interface (the playground has no sign-in of its own). */
export function openConsole(operatorConsole: OperatorConsole, req: IncomingMessage, res: ServerResponse): void {
  if (!isLoopback(req.socket.remoteAddress)) {
    sendHtml(
      res,
      403,
      messagePage(
        'Console',
        'The console opens without its token only on the computer feelers runs on. Sign in at /console with FEELERS_CONSOLE_TOKEN.',
        undefined,
      ),
    );
    return;
  }
  operatorConsole.startSession(req, res, '/console');
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** The operator API of whichever engine serves now: Reset replaces the engine, the console stays. */
function currentOperator(playground: Playground): OperatorApi {
  const op = async (): Promise<OperatorApi> => (await playground.current()).engine.operator;
  return {
    overview: async () => (await op()).overview(),
    asks: async (query) => (await op()).asks(query),
    askLife: async (askId) => (await op()).askLife(askId),
    communityGraph: async (days) => (await op()).communityGraph(days),
    closeAsk: async (askId, by) => (await op()).closeAsk(askId, by),
    retractAsk: async (askId, by) => (await op()).retractAsk(askId, by),
    moderation: async (page, perPage) => (await op()).moderation(page, perPage),
    disconnectGround: async (place, by) => (await op()).disconnectGround(place, by),
    pauseProds: async (person, paused, by) => (await op()).pauseProds(person, paused, by),
    memberships: async () => (await op()).memberships(),
    decideCommunity: async (network, community, decision, by) => (await op()).decideCommunity(network, community, decision, by),
    sharing: async () => (await op()).sharing(),
    changeSharing: async (network, community, setting, by) => (await op()).changeSharing(network, community, setting, by),
  };
}
