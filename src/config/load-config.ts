import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { FeelersError } from '../ports/errors.js';
import type { SecretKey } from '../core/sealer.js';
import { defaultSettings, type EngineSettings, type SeedGround } from '../core/settings.js';
import { formatIssues } from './format-issues.js';
import { redactCredentials } from './redact.js';
import { defaults, envHints, envSchema, yamlHints, yamlSchema, type EnvInput, type LogLevel, type YamlInput } from './schema.js';
import { networksFromEnv, type DiscordConfig, type SlackConfig } from './networks.js';
import { emailFrom, type EmailConfig } from './email.js';

export type { DiscordConfig, SlackConfig } from './networks.js';
export type { EmailConfig } from './email.js';
export type { LogLevel } from './schema.js';

export interface ScheduleConfig {
  /** Post digests of new replies. */
  readonly digest: string;
  /** Warn and expire old asks. */
  readonly expirySweep: string;
  /** Retry outbox deliveries that are due. */
  readonly outboxRetry: string;
}

export interface Config {
  readonly port: number;
  /** HOST: the interface to listen on; unset, all of them (the playground: loopback). */
  readonly host: string | undefined;
  /** FEELERS_PLAYGROUND and its store (see docs/playground.md). */
  readonly playground: PlaygroundConfig;
  readonly storeUrl: string;
  /** This instance's own file for events accepted while a shared (Redis) store is down. */
  readonly spoolPath: string;
  readonly logLevel: LogLevel;
  /** The YAML file read, as named (relative to the working directory), or none. */
  readonly configFile: string | undefined;
  /** Cron expressions, read in UTC. */
  readonly schedule: ScheduleConfig;
  readonly engine: EngineSettings;
  /**
   * With a shared store, how long an instance holds a connection only one process may have
   * (Discord's gateway) without renewing it: how soon another takes over when it dies.
   */
  readonly connectionLeaseMs: number;
  /**
   * FEELERS_SECRET_KEY: the keys that seal contacts and adapter documents at rest, the first
   * current, the rest old ones kept to read. Empty: nothing is sealed.
   */
  readonly secretKeys: readonly SecretKey[];
  /** Set when Slack is configured in the environment. */
  readonly slack: SlackConfig | undefined;
  /** Set when Discord is configured in the environment. */
  readonly discord: DiscordConfig | undefined;
  /** Set when the three FEELERS_EMAIL_* server variables are (docs/email.md). */
  readonly email: EmailConfig | undefined;
  /** Set when FEELERS_CONSOLE_TOKEN is: the operators' console at /console is on. */
  readonly console: ConsoleConfig | undefined;
}

export interface ConsoleConfig {
  /** What an operator types to sign in; it also keys the sessions' signatures. Never logged. */
  readonly token: string;
}

export interface PlaygroundConfig {
  /** FEELERS_PLAYGROUND: true forces the playground, false keeps it off, undefined: on when no network is configured. */
  readonly wanted: boolean | undefined;
  /** FEELERS_PLAYGROUND_STORE, or ./data/playground.sqlite: never FEELERS_STORE, since Reset wipes it. */
  readonly storeUrl: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Where relative paths start; defaults to the process's working directory. */
  readonly cwd?: string | undefined;
}

/** Reads env and YAML once, at start. Throws FeelersError 'config_invalid' naming key, file and fix. */
export function loadConfig(env: Env, opts: LoadConfigOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const vars = parseEnv(env);
  const file = chooseFile(vars.FEELERS_CONFIG, cwd);
  const yaml = file ? parseYamlFile(file.label, file.path) : {};

  return {
    port: vars.PORT ?? defaults.port,
    host: vars.HOST,
    playground: { wanted: vars.FEELERS_PLAYGROUND, storeUrl: vars.FEELERS_PLAYGROUND_STORE ?? defaults.playgroundStoreUrl },
    storeUrl: vars.FEELERS_STORE ?? defaults.storeUrl,
    spoolPath: vars.FEELERS_SPOOL ?? defaults.spoolPath,
    logLevel: vars.LOG_LEVEL ?? defaults.logLevel,
    configFile: file?.label,
    schedule: {
      // The environment wins for the digest schedule, so one deployment can change it without a file.
      digest: vars.FEELERS_DIGEST_CRON ?? yaml.schedule?.digest ?? defaults.schedule.digest,
      expirySweep: yaml.schedule?.expirySweep ?? defaults.schedule.expirySweep,
      outboxRetry: yaml.schedule?.outboxRetry ?? defaults.schedule.outboxRetry,
    },
    engine: withApprovals(
      { ...engineSettingsFrom(yaml, file?.label ?? ''), retentionDays: vars.FEELERS_RETENTION_DAYS ?? defaultSettings.retentionDays },
      vars.FEELERS_CONSOLE_TOKEN !== undefined,
    ),
    connectionLeaseMs: (yaml.connection?.leaseSeconds ?? defaults.connectionLeaseSeconds) * 1000,
    secretKeys: vars.FEELERS_SECRET_KEY ?? [],
    console: vars.FEELERS_CONSOLE_TOKEN === undefined ? undefined : { token: vars.FEELERS_CONSOLE_TOKEN },
    ...networksFromEnv(vars),
    email: emailFrom(vars, yaml, vars.PORT ?? defaults.port, sealKeyText(vars.FEELERS_SECRET_KEY?.[0]?.key)),
  };
}

/** Every config error goes through here: what it quotes is shown without URL passwords (./redact.ts). */
function invalid(lines: readonly string[]): FeelersError {
  return new FeelersError('config_invalid', redactCredentials(lines.join('\n')));
}

function parseEnv(env: Env): EnvInput {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  throw invalid(formatIssues(parsed.error.issues, { label: 'environment', hints: envHints, input: env }));
}

function chooseFile(named: string | undefined, cwd: string): { label: string; path: string } | undefined {
  if (named === undefined) {
    const path = resolve(cwd, defaults.configFile);
    return existsSync(path) ? { label: defaults.configFile, path } : undefined;
  }
  const path = isAbsolute(named) ? named : resolve(cwd, named);
  if (!existsSync(path)) {
    throw invalid([
      `FEELERS_CONFIG in environment: no file at ${JSON.stringify(named)} (looked in ${path}). ` +
        `Write e.g. FEELERS_CONFIG=${defaults.configFile} (copy config/feelers.example.yaml there), or unset it.`,
    ]);
  }
  return { label: named, path };
}

function parseYamlFile(label: string, path: string): YamlInput {
  const doc = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0];
    const where = line ? `line ${line.line}, column ${line.col}` : 'somewhere';
    const [first, ...snippet] = syntax.message.split('\n');
    const reason = (first ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw invalid([
      `${label} ${where}: YAML syntax error: ${reason}.`,
      ...snippet.filter((l) => l.trim() !== ''),
      'Fix the YAML there: indent nested settings with spaces (not tabs) and quote values that contain ": " or " #".',
    ]);
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = yamlSchema.safeParse(raw);
  if (!parsed.success) {
    throw invalid(formatIssues(asWritten(parsed.error.issues, raw), { label, hints: yamlHints, input: raw }));
  }
  return parsed.data;
}

function engineSettingsFrom(yaml: YamlInput, label: string): Omit<EngineSettings, 'retentionDays'> {
  const limits = { ...defaultSettings.limits, ...stripUndefined(yaml.limits ?? {}) };
  const expiry = { ...defaultSettings.expiry, ...stripUndefined(yaml.expiry ?? {}) };
  if (expiry.warnBeforeHours >= expiry.days * 24) {
    // A warning due before the ask was even made would fire on the first sweep.
    throw invalid([
      `expiry.warnBeforeHours in ${label}: expected fewer hours than expiry.days × 24 (${expiry.days * 24}), ` +
        `got ${expiry.warnBeforeHours}. Write e.g. warnBeforeHours: ${Math.min(24, expiry.days * 24 - 1)}`,
    ]);
  }

  const communities = yaml.communities ?? {};
  const communityNames: Record<string, string> = {};
  for (const c of communities.names ?? []) communityNames[`${c.network}:${c.id}`] = c.name;

  const grounds: SeedGround[] = (yaml.grounds ?? []).map((g) => ({
    network: g.network,
    community: g.community,
    channel: g.channel,
    topics: g.topics ?? [],
    communityName: communityNames[`${g.network}:${g.community}`],
  }));
  checkDuplicateGrounds(grounds, label);

  return {
    limits,
    expiry,
    connect: { allowAnyone: yaml.connect?.allowAnyone ?? defaultSettings.connect.allowAnyone },
    claimMs: (yaml.claims?.seconds ?? defaultSettings.claimMs / 1000) * 1000,
    communityNames,
    grounds,
    routing: { ...defaultSettings.routing, ...stripUndefined(yaml.routing ?? {}) },
    escalation: {
      afterHours: yaml.escalation?.afterHours ?? defaultSettings.escalation.afterHours,
      communities: Object.fromEntries(
        (yaml.escalation?.communities ?? []).map((c) => [`${c.network}:${c.id}`, c.afterHours === 'off' ? null : c.afterHours]),
      ),
    },
    // Whether an operator can approve is known once the environment is read (the console's token).
    membership: { allow: communities.allow ?? {}, approvals: false },
  };
}

/** With the console on, an operator can approve a pending community there. */
function withApprovals(engine: EngineSettings, approvals: boolean): EngineSettings {
  return { ...engine, membership: { ...engine.membership, approvals } };
}

/**
 * `communities` written as a list (display names only, as before the allowlist) is read as
 * `communities.names`; its issues are named by the path the person wrote.
 */
function asWritten(issues: readonly z.core.$ZodIssue[], raw: unknown): z.core.$ZodIssue[] {
  const listForm = typeof raw === 'object' && raw !== null && Array.isArray((raw as { communities?: unknown }).communities);
  return issues.map((i) =>
    listForm && i.path[0] === 'communities' && i.path[1] === 'names' ? { ...i, path: ['communities', ...i.path.slice(2)] } : i,
  );
}

function checkDuplicateGrounds(grounds: readonly SeedGround[], label: string): void {
  const seen = new Map<string, number>();
  grounds.forEach((g, i) => {
    const key = `${g.network}:${g.community}:${g.channel}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw invalid([
        `grounds[${i}] in ${label}: channel ${g.channel} is already listed as grounds[${first}]. ` +
          'Write each channel once, with all its topics in one list.',
      ]);
    }
    seen.set(key, i);
  });
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** The current seal key as text: email links are signed with a key derived from it when FEELERS_EMAIL_LINK_SECRET is not set. */
function sealKeyText(key: Uint8Array | undefined): string | undefined {
  return key ? Buffer.from(key).toString('base64') : undefined;
}
