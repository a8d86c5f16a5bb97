import type { Clock } from '../../../src/ports/clock.js';
import type { RateLimits } from './token-buckets.js';

/** What the fake Slack holds and records: workspaces, people, messages, calls. */
export interface FakeUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  readonly displayName?: string;
  readonly isAdmin?: boolean;
  readonly isOwner?: boolean;
  readonly isBot?: boolean;
  /** The workspace the person belongs to; default the fake's first team. */
  readonly team?: string;
}

/** One workspace with the app installed: its bot token and bot user. */
export interface FakeTeam {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  botToken: string;
  readonly botUserId: string;
  readonly botId: string;
}

export interface RecordedCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  /** From `Authorization: Bearer …` or a `token` argument. */
  readonly token: string | undefined;
  readonly contentType: string;
  /** When the call's body had arrived (performance.now() of this process): arrival spacing, for benchmarks. */
  readonly arrivedAt: number;
  /** Refused with a 429 (rate limited). */
  rateLimited?: boolean;
}

export interface StoredMessage {
  readonly channel: string;
  readonly ts: string;
  text: string;
  blocks?: unknown;
  metadata?: unknown;
  /** Files shared with this message (files.completeUploadExternal), as Slack lists them. */
  readonly files?: readonly { readonly id: string; readonly name: string; readonly title: string }[] | undefined;
  readonly thread_ts?: string | undefined;
  readonly user?: string | undefined;
  readonly bot_id?: string | undefined;
}

/** One POST to an upload URL (step 2 of Slack's upload flow). */
export interface Upload {
  readonly fileId: string;
  /** The request's Content-Type: multipart/form-data from the WebClient, or a raw type. */
  readonly contentType: string;
  /** The file's bytes, out of the form when it was multipart. */
  readonly bytes: Buffer;
}

/** A file completed into a channel, with its content (UTF-8). */
export interface SharedFile {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly content: string;
  readonly channel: string;
  /** The message that shows it. */
  readonly ts: string;
}

/** What to answer instead of the real thing, the next `times` calls of a method. */
export type Injection =
  { readonly status: 429; readonly retryAfterSec: number } | { readonly status: 500 | 502 | 503 } | { readonly error: string };

export interface FakeSlackOptions {
  readonly team?: { id: string; name: string; domain?: string };
  readonly botToken?: string;
  readonly botUserId?: string;
  readonly botId?: string;
  readonly users?: readonly FakeUser[];
  readonly clock?: Clock;
  /** Enforce Slack's posting limits with 429s (off by default). */
  readonly rateLimits?: RateLimits | boolean;
  /** The xapp- token apps.connections.open accepts (Socket Mode). */
  readonly appToken?: string;
  /** Serve OAuth v2 (the authorize step and oauth.v2.access) for this app. */
  readonly oauth?: { clientId: string; clientSecret: string };
}
