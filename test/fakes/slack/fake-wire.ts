import type { ServerResponse } from 'node:http';

/** The wire format of the fake Web API: how the WebClient sends arguments, how Slack answers. */

export type Args = Record<string, unknown>;
export type Answer = Record<string, unknown>;

/** Fields the WebClient sends as JSON strings inside a form body. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata', 'view', 'files'];

/** oauth.v2.access may carry the client id and secret as HTTP Basic auth instead of arguments. */
export function withBasicAuth(args: Args, auth: string): Args {
  if (!auth.startsWith('Basic ')) return args;
  const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
  return { client_id: id, client_secret: secret, ...args };
}

export function parseArgs(raw: string, contentType: string): Args {
  let args: Args = {};
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw || '{}');
      if (typeof parsed === 'object' && parsed !== null) args = parsed as Args;
    } catch {
      args = {};
    }
  } else {
    args = Object.fromEntries(new URLSearchParams(raw));
  }
  for (const f of JSON_FIELDS) {
    const v = args[f];
    if (typeof v === 'string') {
      try {
        args[f] = JSON.parse(v) as unknown;
      } catch {
        // Slack would answer invalid_arguments; keeping the string lets a test see what was sent.
      }
    }
  }
  return args;
}

/** Slack's own hard limits on blocks, answered with invalid_blocks like the real thing. */
export function validateBlocks(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 items allowed [json-pointer:/blocks]';
  for (const [i, b] of blocks.entries()) {
    const text = (b as { text?: { text?: unknown } }).text?.text;
    if ((b as { type?: unknown }).type === 'section' && typeof text === 'string' && text.length > 3000) {
      return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
    }
  }
  return undefined;
}

export function send(res: ServerResponse, status: number, body: Answer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
