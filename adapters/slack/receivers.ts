import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, SocketModeReceiver, type Authorize, type webApi } from '@slack/bolt';
import type { Logger } from '../../src/ports/index.js';
import { boltLogger } from './bolt-logger.js';
import type { StoreInstallations } from './installations.js';
import { BOT_SCOPES } from './scopes.js';

/** Many workspaces: Slack's OAuth v2 install flow, installations kept in feelers' store. */
export interface SlackOAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Signs the `state` of the install redirect (CSRF): a forged or replayed state is refused. */
  readonly stateSecret: string;
  readonly installations: StoreInstallations;
  /** Slack's authorize page; a test points it at a fake. */
  readonly authorizeUrl?: string | undefined;
  /** Sent as redirect_uri; unset, Slack uses the one in the app's settings. */
  readonly redirectUri?: string | undefined;
}

export type RouteListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface Receivers {
  /** Bolt's receiver for App: HTTP (signed POSTs) or a Socket Mode connection. */
  readonly app: HTTPReceiver | SocketModeReceiver;
  /** node:http listener for every HTTP path Bolt answers here (events and/or the install flow). */
  readonly http?: HTTPReceiver | undefined;
  /** With OAuth in Socket Mode, App's authorize comes from the install-flow receiver. */
  readonly authorize?: Authorize<boolean> | undefined;
  /** The paths the HTTP receiver answers, for main.ts to mount. */
  readonly paths: readonly { method: 'GET' | 'POST'; path: string }[];
}

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

/**
 * HTTPReceiver rather than a custom Receiver: it already does what Slack requires of an
 * endpoint (signature and 5-minute staleness check with a 401, url_verification, ssl_check,
 * acking within 3 s) and of an install flow (signed state bound to a browser cookie, the code
 * exchange, 400 on a bad state), and its public `requestListener` mounts on feelers' own
 * node:http server without the receiver ever listening on a port of its own.
 */
export function buildReceivers(o: {
  readonly signingSecret?: string | undefined;
  readonly appToken?: string | undefined;
  readonly endpoint: string;
  readonly oauth?: SlackOAuthConfig | undefined;
  readonly clientOptions: webApi.WebClientOptions;
  readonly socketPingTimeoutMs?: number | undefined;
  readonly log: Logger;
}): Receivers {
  const socket = o.appToken !== undefined;
  const paths: { method: 'GET' | 'POST'; path: string }[] = socket ? [] : [{ method: 'POST', path: o.endpoint }];
  if (o.oauth) paths.push({ method: 'GET', path: INSTALL_PATH }, { method: 'GET', path: REDIRECT_PATH });
  const http =
    paths.length === 0
      ? undefined
      : new HTTPReceiver({
          signingSecret: o.signingSecret ?? '',
          // The response (the ack) goes when the middleware returns, so an event is handled
          // before Slack hears "got it" (see receive() in index.ts).
          processBeforeResponse: true,
          // In Socket Mode this receiver serves the install flow only: no events path exists to verify.
          signatureVerification: !socket,
          endpoints: socket ? [] : [o.endpoint],
          logger: boltLogger(o.log.child({ part: 'http' })),
          ...(o.oauth ? oauthOptions(o.oauth, o.clientOptions) : {}),
        });
  if (!socket) {
    if (!http) throw new Error('unreachable: HTTP mode always has an events path');
    return { app: http, http, paths };
  }
  const app = new SocketModeReceiver({
    appToken: o.appToken ?? '',
    logger: boltLogger(o.log.child({ part: 'socket-mode' })),
    // Bolt waits this long for a pong, and this long times the failures before reconnecting.
    ...(o.socketPingTimeoutMs ? { clientPingTimeout: o.socketPingTimeoutMs } : {}),
    installerOptions: { clientOptions: o.clientOptions },
  });
  const installer = http?.installer;
  return { app, http, paths, authorize: installer ? installer.authorize.bind(installer) : undefined };
}

function oauthOptions(oauth: SlackOAuthConfig, clientOptions: webApi.WebClientOptions) {
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    installationStore: oauth.installations,
    scopes: [...BOT_SCOPES],
    ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}),
    installerOptions: {
      // GET /slack/install answers with a redirect to Slack, not Bolt's "Add to Slack" page.
      directInstall: true,
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      clientOptions,
      ...(oauth.authorizeUrl ? { authorizationUrl: oauth.authorizeUrl } : {}),
    },
  };
}
