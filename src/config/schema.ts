import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { readSecretKeys } from '../core/sealer.js';

/**
 * One schema for everything feelers reads at start: the environment and the YAML file.
 * Values stay optional here; load-config.ts applies the defaults below, so the defaults live
 * in one place and docs/configuration.md can quote them.
 */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const defaults = {
  port: 3000,
  storeUrl: 'sqlite://./data/feelers.sqlite',
  /** The playground's own file: Reset deletes it, so it is never the real store. */
  playgroundStoreUrl: 'sqlite://./data/playground.sqlite',
  /** The playground has no sign-in: it listens on loopback unless HOST says otherwise. */
  playgroundHost: '127.0.0.1',
  /** Digests every minute in the playground, so a visitor sees one without waiting ten. */
  playgroundDigest: '* * * * *',
  spoolPath: './data/spool.sqlite',
  configFile: 'config/feelers.yaml',
  logLevel: 'info' as LogLevel,
  /** How long an instance holds Discord's one gateway connection without renewing it. */
  connectionLeaseSeconds: 15,
  schedule: {
    digest: '*/10 * * * *',
    expirySweep: '*/15 * * * *',
    outboxRetry: '* * * * *',
  },
} as const;

/** The shortest console token accepted (FEELERS_CONSOLE_TOKEN). */
export const CONSOLE_TOKEN_MIN_LENGTH = 24;

/** A cron expression node-cron accepts: 5 fields, or 6 with seconds first. */
export function isCronExpression(expr: string): boolean {
  // node-cron accepts 6 fields at most; 7 (with years) would be silently misread elsewhere.
  const fields = expr.trim().split(/\s+/).length;
  return (fields === 5 || fields === 6) && validateCron(expr);
}

// Compose files and `.env` files often write `KEY=` meaning "not set".
const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const cron = z.string().refine(isCronExpression);
const httpUrl = z.url({ protocol: /^https?$/ });
/** `id:base64key[,id:base64key...]`: read into keys here, so a malformed value stops the start. */
const secretKeys = z.string().transform((v, ctx) => {
  const keys = readSecretKeys(v);
  if (!keys) ctx.addIssue({ code: 'custom', message: 'Invalid secret key list' });
  return keys ?? [];
});
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');

export const envSchema = z.object({
  PORT: optional(
    z
      .string()
      .regex(/^\d{1,5}$/)
      .transform(Number)
      .pipe(z.int().max(65535)),
  ),
  // The scheme is checked by the store factory, which knows which backends exist.
  FEELERS_STORE: optional(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\//i)),
  FEELERS_CONFIG: optional(z.string()),
  FEELERS_SPOOL: optional(z.string()),
  FEELERS_DIGEST_CRON: optional(cron),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  FEELERS_SECRET_KEY: optional(secretKeys),
  FEELERS_RETENTION_DAYS: optional(
    z
      .string()
      .regex(/^\d{1,5}$/)
      .transform(Number)
      .pipe(z.int().min(1)),
  ),
  // The playground: on by itself when no network is configured; 1 forces it, 0 keeps it off.
  FEELERS_PLAYGROUND: optional(z.string().toLowerCase().pipe(flag)),
  // Reset deletes the playground's store: only a file of its own (or nothing kept) can be wiped safely.
  FEELERS_PLAYGROUND_STORE: optional(z.string().regex(/^(sqlite:\/\/.+|memory:\/\/)$/i)),
  // The interface to listen on (0.0.0.0: all); the playground defaults to loopback, having no sign-in.
  HOST: optional(z.string().regex(/^[A-Za-z0-9.:[\]%-]+$/)),
  SLACK_BOT_TOKEN: optional(z.string()),
  SLACK_SIGNING_SECRET: optional(z.string()),
  SLACK_APP_TOKEN: optional(z.string()),
  SLACK_API_URL: optional(httpUrl),
  SLACK_CLIENT_ID: optional(z.string()),
  SLACK_CLIENT_SECRET: optional(z.string()),
  SLACK_STATE_SECRET: optional(z.string()),
  DISCORD_TOKEN: optional(z.string()),
  DISCORD_API_URL: optional(httpUrl),
  DISCORD_GUILD_IDS: optional(
    z
      .string()
      .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/)
      .transform((v) => v.split(',').map((s) => s.trim())),
  ),
  DISCORD_MESSAGE_CONTENT: optional(z.string().toLowerCase().pipe(flag)),
  // Email (docs/email.md): the relay, the bot's mailbox, its address, and the base of links in mail.
  FEELERS_EMAIL_SMTP_URL: optional(z.string().regex(/^smtps?:\/\/[^\s]+$/i)),
  FEELERS_EMAIL_IMAP_URL: optional(z.string().regex(/^imaps?:\/\/[^\s]+$/i)),
  FEELERS_EMAIL_FROM: optional(z.email()),
  FEELERS_EMAIL_LINK_SECRET: optional(z.string().min(16)),
  FEELERS_EMAIL_AUTHSERV_ID: optional(z.string().regex(/^[A-Za-z0-9.-]+$/)),
  FEELERS_EMAIL_RATE_PER_SEC: optional(
    z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number)
      .pipe(z.int().min(1)),
  ),
  FEELERS_PUBLIC_URL: optional(httpUrl),
  // The console's one credential: long enough that guessing it, even unthrottled, is hopeless.
  FEELERS_CONSOLE_TOKEN: optional(z.string().min(CONSOLE_TOKEN_MIN_LENGTH)),
});
export type EnvInput = z.output<typeof envSchema>;

/*
 * Ids must be written as text: a Discord snowflake has more digits than a YAML number keeps,
 * so an unquoted id would silently point at another channel.
 */
const id = z.string().trim().min(1);
const network = z.string().regex(/^[a-z][a-z0-9-]*$/);
const count = (min: number) => z.int().min(min);

const communityNames = z.array(
  z.strictObject({
    network,
    id,
    name: z.string().trim().min(1),
    // Email only: the domains or addresses that belong to the community (docs/email.md).
    members: z.array(z.string().trim().min(1)).optional(),
  }),
);

export const yamlSchema = z.strictObject({
  // A list (display names, as before membership existed), or a mapping with the names and the
  // allowlist: community ids by network that belong to the network (docs/governance.md).
  communities: z
    .preprocess(
      (v) => (Array.isArray(v) ? { names: v } : v),
      z.strictObject({ names: communityNames.optional(), allow: z.record(network, z.array(id)).optional() }),
    )
    .optional(),
  grounds: z
    .array(
      z.strictObject({
        network,
        community: id,
        channel: id,
        topics: z.array(z.string().trim().min(1)).optional(),
      }),
    )
    .optional(),
  connect: z.strictObject({ allowAnyone: z.boolean().optional() }).optional(),
  schedule: z.strictObject({ digest: cron.optional(), expirySweep: cron.optional(), outboxRetry: cron.optional() }).optional(),
  limits: z
    .strictObject({
      asksPerDay: count(1).optional(),
      prodsPerAsk: count(0).optional(),
      unsolicitedPerWeek: count(0).optional(),
      maxAskLength: count(1).optional(),
    })
    .optional(),
  expiry: z.strictObject({ days: count(1).optional(), warnBeforeHours: count(0).optional() }).optional(),
  claims: z.strictObject({ seconds: count(1).optional() }).optional(),
  routing: z
    .strictObject({ learned: z.boolean().optional(), firstPerWeek: count(0).optional(), pauseAfterUnanswered: count(0).optional() })
    .optional(),
  escalation: z
    .strictObject({
      afterHours: count(1).optional(),
      communities: z.array(z.strictObject({ network, id, afterHours: z.union([count(1), z.literal('off')]) })).optional(),
    })
    .optional(),
  connection: z.strictObject({ leaseSeconds: count(3).optional() }).optional(),
});
export type YamlInput = z.output<typeof yamlSchema>;

export interface Hint {
  /** What a good value looks like, completing "expected ...". */
  readonly expected: string;
  /** A line the person can write instead. */
  readonly example: string;
}

const cronHint = (key: string, value: string): Hint => ({
  expected: 'a cron expression (5 fields, or 6 with seconds first), read in UTC',
  example: `${key}: "${value}"`,
});
const idHint = (key: string, value: string): Hint => ({
  expected: 'an id as text (quote numbers so YAML keeps every digit)',
  example: `${key}: "${value}"`,
});

/** Keyed by path with list indexes written `[]`, e.g. `grounds[].channel`. */
export const yamlHints: Readonly<Record<string, Hint>> = {
  '': { expected: 'a mapping of settings', example: 'limits:\n  asksPerDay: 5' },
  communities: { expected: 'a list of { network, id, name }', example: 'communities: [{ network: slack, id: "T0123ABCD", name: Acme }]' },
  'communities[]': { expected: 'a mapping with network, id and name', example: '- { network: slack, id: "T0123ABCD", name: Acme }' },
  'communities[].network': { expected: 'a network name in lower case', example: 'network: slack' },
  'communities[].id': idHint('id', 'T0123ABCD'),
  'communities[].name': { expected: 'a display name', example: 'name: Acme Engineering' },
  'communities.names': { expected: 'a list of { network, id, name }', example: 'names: [{ network: slack, id: "T0123ABCD", name: Acme }]' },
  'communities.names[]': { expected: 'a mapping with network, id and name', example: '- { network: slack, id: "T0123ABCD", name: Acme }' },
  'communities.names[].network': { expected: 'a network name in lower case', example: 'network: slack' },
  'communities.names[].id': idHint('id', 'T0123ABCD'),
  'communities.names[].name': { expected: 'a display name', example: 'name: Acme Engineering' },
  'communities.allow.slack': { expected: 'a list of Slack team ids', example: 'slack: ["T0123ABCD"]' },
  'communities.allow.slack[]': idHint('slack', 'T0123ABCD'),
  'communities.allow.discord': { expected: 'a list of Discord server ids', example: 'discord: ["123456789012345678"]' },
  'communities.allow.discord[]': idHint('discord', '123456789012345678'),
  'communities.allow': {
    expected: 'community ids by network (Slack team ids, Discord server ids)',
    example: 'allow:\n    slack: ["T0123ABCD"]\n    discord: ["123456789012345678"]',
  },
  grounds: {
    expected: 'a list of { network, community, channel, topics }',
    example: 'grounds: [{ network: slack, community: "T0123ABCD", channel: "C0123ABCD", topics: [rust] }]',
  },
  'grounds[]': {
    expected: 'a mapping with network, community, channel and topics',
    example: '- { network: discord, community: "123456789012345678", channel: "234567890123456789", topics: [] }',
  },
  'grounds[].network': { expected: 'a network name in lower case', example: 'network: discord' },
  'grounds[].community': idHint('community', '123456789012345678'),
  'grounds[].channel': idHint('channel', '234567890123456789'),
  'grounds[].topics': { expected: 'a list of topics (empty: every ask)', example: 'topics: [rust, databases]' },
  'grounds[].topics[]': { expected: 'a non-empty topic word', example: 'topics: [rust, databases]' },
  connect: { expected: 'a mapping', example: 'connect:\n  allowAnyone: false' },
  'connect.allowAnyone': { expected: 'true or false', example: 'allowAnyone: false' },
  schedule: { expected: 'a mapping', example: 'schedule:\n  digest: "*/10 * * * *"' },
  'schedule.digest': cronHint('digest', defaults.schedule.digest),
  'schedule.expirySweep': cronHint('expirySweep', defaults.schedule.expirySweep),
  'schedule.outboxRetry': cronHint('outboxRetry', defaults.schedule.outboxRetry),
  limits: { expected: 'a mapping', example: 'limits:\n  asksPerDay: 5' },
  'limits.asksPerDay': { expected: 'a whole number >= 1', example: 'asksPerDay: 5' },
  'limits.prodsPerAsk': { expected: 'a whole number >= 0', example: 'prodsPerAsk: 3' },
  'limits.unsolicitedPerWeek': { expected: 'a whole number >= 0', example: 'unsolicitedPerWeek: 5' },
  'limits.maxAskLength': { expected: 'a whole number >= 1', example: 'maxAskLength: 3000' },
  expiry: { expected: 'a mapping', example: 'expiry:\n  days: 14' },
  'expiry.days': { expected: 'a whole number >= 1', example: 'days: 14' },
  claims: { expected: 'a mapping', example: 'claims:\n  seconds: 30' },
  'claims.seconds': { expected: 'a whole number of seconds >= 1', example: 'seconds: 30' },
  connection: { expected: 'a mapping', example: 'connection:\n  leaseSeconds: 15' },
  'connection.leaseSeconds': { expected: 'a whole number of seconds >= 3', example: 'leaseSeconds: 15' },
  routing: { expected: 'a mapping', example: 'routing:\n  firstPerWeek: 3' },
  'routing.learned': { expected: 'true or false', example: 'learned: true' },
  'routing.firstPerWeek': { expected: 'a whole number >= 0 (0: no cap)', example: 'firstPerWeek: 3' },
  'routing.pauseAfterUnanswered': { expected: 'a whole number >= 0 (0: never pause)', example: 'pauseAfterUnanswered: 3' },
  escalation: { expected: 'a mapping', example: 'escalation:\n  afterHours: 24' },
  'escalation.afterHours': { expected: 'a whole number of hours >= 1', example: 'afterHours: 24' },
  'escalation.communities': {
    expected: 'a list of { network, id, afterHours }',
    example: 'communities: [{ network: slack, id: "T0123ABCD", afterHours: 12 }]',
  },
  'escalation.communities[]': {
    expected: 'a mapping with network, id and afterHours',
    example: '- { network: discord, id: "123456789012345678", afterHours: off }',
  },
  'escalation.communities[].network': { expected: 'a network name in lower case', example: 'network: slack' },
  'escalation.communities[].id': idHint('id', 'T0123ABCD'),
  'escalation.communities[].afterHours': { expected: 'a whole number of hours >= 1, or off', example: 'afterHours: 12' },
  'expiry.warnBeforeHours': { expected: 'a whole number >= 0, less than expiry.days × 24', example: 'warnBeforeHours: 24' },
};

export const envHints: Readonly<Record<string, Hint>> = {
  PORT: { expected: 'a TCP port from 0 to 65535', example: 'PORT=3000' },
  FEELERS_STORE: { expected: 'a store URL', example: `FEELERS_STORE=${defaults.storeUrl} (or memory://)` },
  FEELERS_CONFIG: { expected: 'the path of a YAML file', example: `FEELERS_CONFIG=${defaults.configFile}` },
  FEELERS_SPOOL: { expected: 'the path of a local SQLite file', example: `FEELERS_SPOOL=${defaults.spoolPath}` },
  FEELERS_DIGEST_CRON: {
    expected: 'a cron expression (5 fields, or 6 with seconds first), read in UTC',
    example: `FEELERS_DIGEST_CRON="${defaults.schedule.digest}"`,
  },
  LOG_LEVEL: { expected: `one of ${LOG_LEVELS.join(', ')}`, example: 'LOG_LEVEL=info' },
  FEELERS_RETENTION_DAYS: {
    expected: 'a whole number of days >= 1',
    example: 'FEELERS_RETENTION_DAYS=180',
  },
  FEELERS_PLAYGROUND: { expected: '1 (start the playground) or 0 (never start it)', example: 'FEELERS_PLAYGROUND=1' },
  FEELERS_PLAYGROUND_STORE: {
    expected: 'a sqlite:// file of its own, or memory://',
    example: `FEELERS_PLAYGROUND_STORE=${defaults.playgroundStoreUrl}`,
  },
  HOST: { expected: 'an IP address or host name to listen on', example: 'HOST=127.0.0.1 (or HOST=0.0.0.0 for every interface)' },
  FEELERS_SECRET_KEY: {
    expected:
      'one or more id:base64key pairs separated by commas, the first current, each key 32 bytes in base64 and each id letters, digits, - or _',
    example:
      "FEELERS_SECRET_KEY=k1:<key>, with a key from: node -e \"console.log('k1:'+require('crypto').randomBytes(32).toString('base64'))\"",
  },
  SLACK_API_URL: { expected: 'an http(s) URL', example: 'SLACK_API_URL=https://slack.com/api/' },
  DISCORD_API_URL: { expected: 'an http(s) URL', example: 'DISCORD_API_URL=https://discord.com/api' },
  DISCORD_GUILD_IDS: {
    expected: 'server ids separated by commas',
    example: 'DISCORD_GUILD_IDS=123456789012345678,234567890123456789',
  },
  DISCORD_MESSAGE_CONTENT: { expected: 'true or false', example: 'DISCORD_MESSAGE_CONTENT=true' },
  FEELERS_EMAIL_SMTP_URL: {
    expected: 'an smtp:// or smtps:// URL',
    example: 'FEELERS_EMAIL_SMTP_URL=smtp://user:pass@mail.example.org:587',
  },
  FEELERS_EMAIL_IMAP_URL: {
    expected: 'an imap:// or imaps:// URL',
    example: 'FEELERS_EMAIL_IMAP_URL=imaps://feelers%40example.org:pass@mail.example.org',
  },
  FEELERS_EMAIL_FROM: { expected: "the bot's email address", example: 'FEELERS_EMAIL_FROM=feelers@example.org' },
  FEELERS_EMAIL_LINK_SECRET: {
    expected: 'a random string of at least 16 characters',
    example: 'FEELERS_EMAIL_LINK_SECRET=<from: openssl rand -base64 32>',
  },
  FEELERS_EMAIL_AUTHSERV_ID: { expected: "your receiving server's authserv-id", example: 'FEELERS_EMAIL_AUTHSERV_ID=mx.example.org' },
  FEELERS_EMAIL_RATE_PER_SEC: { expected: 'a whole number of mails a second >= 1', example: 'FEELERS_EMAIL_RATE_PER_SEC=10' },
  FEELERS_PUBLIC_URL: { expected: 'an http(s) URL where people reach feelers', example: 'FEELERS_PUBLIC_URL=https://feelers.example.org' },
  FEELERS_CONSOLE_TOKEN: {
    expected: `a random string of at least ${CONSOLE_TOKEN_MIN_LENGTH} characters`,
    example: 'FEELERS_CONSOLE_TOKEN=<token>, with a token from: openssl rand -base64 32',
  },
};
