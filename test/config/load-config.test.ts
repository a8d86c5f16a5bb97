import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '../../src/config/load-config.js';
import { FeelersError } from '../../src/ports/errors.js';
import { defaultSettings } from '../../src/core/settings.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'feelers-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeDefaultYaml(text: string): void {
  mkdirSync(join(dir, 'config'), { recursive: true });
  writeFileSync(join(dir, 'config', 'feelers.yaml'), text);
}

/** The config_invalid message, or a failure if loading succeeded or failed another way. */
function errorOf(env: Env): string {
  try {
    loadConfig(env, { cwd: dir });
  } catch (err) {
    expect(err).toBeInstanceOf(FeelersError);
    expect((err as FeelersError).code).toBe('config_invalid');
    return (err as FeelersError).message;
  }
  throw new Error('expected loadConfig to throw');
}

describe('defaults', () => {
  it('starts with nothing set and no YAML file', () => {
    const c = loadConfig({}, { cwd: dir });
    expect(c.port).toBe(3000);
    expect(c.storeUrl).toBe('sqlite://./data/feelers.sqlite');
    expect(c.logLevel).toBe('info');
    expect(c.configFile).toBeUndefined();
    expect(c.schedule).toEqual({ digest: '*/10 * * * *', expirySweep: '*/15 * * * *', outboxRetry: '* * * * *' });
    expect(c.engine).toEqual(defaultSettings);
    expect(c.slack).toBeUndefined();
    expect(c.discord).toBeUndefined();
  });

  it('treats empty variables as unset, as compose files write them', () => {
    const c = loadConfig({ PORT: '', LOG_LEVEL: ' ', SLACK_BOT_TOKEN: '' }, { cwd: dir });
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(c.slack).toBeUndefined();
  });

  it('reads the environment', () => {
    const c = loadConfig(
      { PORT: '8080', FEELERS_STORE: 'memory://', LOG_LEVEL: 'debug', FEELERS_DIGEST_CRON: '0 */5 * * * *' },
      { cwd: dir },
    );
    expect(c.port).toBe(8080);
    expect(c.storeUrl).toBe('memory://');
    expect(c.logLevel).toBe('debug');
    expect(c.schedule.digest).toBe('0 */5 * * * *');
  });

  it('picks up config/feelers.yaml when it exists', () => {
    writeDefaultYaml('limits:\n  asksPerDay: 9\n');
    const c = loadConfig({}, { cwd: dir });
    expect(c.configFile).toBe('config/feelers.yaml');
    expect(c.engine.limits.asksPerDay).toBe(9);
    expect(c.engine.limits.prodsPerAsk).toBe(defaultSettings.limits.prodsPerAsk);
  });

  it('accepts an empty YAML file', () => {
    writeDefaultYaml('# nothing yet\n');
    expect(loadConfig({}, { cwd: dir }).engine).toEqual(defaultSettings);
  });
});

describe('YAML settings', () => {
  it('seeds grounds with community names and reads every section', () => {
    writeFileSync(
      join(dir, 'custom.yaml'),
      [
        'communities:',
        '  - { network: slack, id: T1, name: Acme }',
        'grounds:',
        '  - network: slack',
        '    community: T1',
        '    channel: C1',
        '    topics: [rust, databases]',
        '  - { network: discord, community: "123456789012345678", channel: "234567890123456789" }',
        'connect: { allowAnyone: true }',
        'schedule: { digest: "0 * * * *", expirySweep: "*/30 * * * *", outboxRetry: "*/2 * * * *" }',
        'limits: { asksPerDay: 2, prodsPerAsk: 0, unsolicitedPerWeek: 1, maxAskLength: 500 }',
        'expiry: { days: 7, warnBeforeHours: 12 }',
      ].join('\n'),
    );
    const c = loadConfig({ FEELERS_CONFIG: 'custom.yaml' }, { cwd: dir });
    expect(c.configFile).toBe('custom.yaml');
    expect(c.engine.grounds).toEqual([
      { network: 'slack', community: 'T1', channel: 'C1', topics: ['rust', 'databases'], communityName: 'Acme' },
      {
        network: 'discord',
        community: '123456789012345678',
        channel: '234567890123456789',
        topics: [],
        communityName: undefined,
      },
    ]);
    expect(c.engine.communityNames).toEqual({ 'slack:T1': 'Acme' });
    expect(c.engine.connect.allowAnyone).toBe(true);
    expect(c.engine.limits).toEqual({ asksPerDay: 2, prodsPerAsk: 0, unsolicitedPerWeek: 1, maxAskLength: 500 });
    expect(c.engine.expiry).toEqual({ days: 7, warnBeforeHours: 12 });
    expect(c.schedule).toEqual({ digest: '0 * * * *', expirySweep: '*/30 * * * *', outboxRetry: '*/2 * * * *' });
  });

  it('lets the environment win over YAML for the digest schedule only', () => {
    writeDefaultYaml('schedule:\n  digest: "0 * * * *"\n  expirySweep: "*/30 * * * *"\n');
    const c = loadConfig({ FEELERS_DIGEST_CRON: '*/5 * * * *' }, { cwd: dir });
    expect(c.schedule.digest).toBe('*/5 * * * *');
    expect(c.schedule.expirySweep).toBe('*/30 * * * *');
  });
});

describe('errors name the key, the file and the fix', () => {
  it('a word where a number belongs', () => {
    writeDefaultYaml('limits:\n  asksPerDay: five\n');
    expect(errorOf({})).toBe(
      'limits.asksPerDay in config/feelers.yaml: expected a whole number >= 1, got "five". Write e.g. asksPerDay: 5',
    );
  });

  it('a number out of range, inside a list', () => {
    writeDefaultYaml('grounds:\n  - { network: slack, community: T1, channel: C1, topics: [""] }\n');
    const msg = errorOf({});
    expect(msg).toContain('grounds[0].topics[0] in config/feelers.yaml');
    expect(msg).toContain('Write e.g. topics: [rust, databases]');
  });

  it('an unquoted snowflake id', () => {
    writeDefaultYaml('grounds:\n  - { network: discord, community: 123456789012345678, channel: "2" }\n');
    const msg = errorOf({});
    expect(msg).toMatch(/^grounds\[0\]\.community in config\/feelers\.yaml: expected an id as text/);
    expect(msg).toContain('Write e.g. community: "123456789012345678"');
  });

  it('an unknown key, with the likely spelling', () => {
    writeDefaultYaml('limits:\n  askPerDay: 5\n');
    expect(errorOf({})).toBe('limits.askPerDay in config/feelers.yaml: unknown setting (typos are not ignored). Did you mean asksPerDay?');
  });

  it('an unknown top-level key lists what is known', () => {
    writeDefaultYaml('wibble: 1\n');
    const msg = errorOf({});
    expect(msg).toMatch(/^wibble in config\/feelers\.yaml: unknown setting/);
    expect(msg).toContain('known here: communities, grounds, connect, schedule, limits, expiry');
  });

  it('a bad cron expression in YAML', () => {
    writeDefaultYaml('schedule:\n  outboxRetry: every minute\n');
    const msg = errorOf({});
    expect(msg).toContain('schedule.outboxRetry in config/feelers.yaml: expected a cron expression');
    expect(msg).toContain('got "every minute"');
    expect(msg).toContain('Write e.g. outboxRetry: "* * * * *"');
  });

  it('a bad cron expression in the environment', () => {
    const msg = errorOf({ FEELERS_DIGEST_CRON: '61 * * * *' });
    expect(msg).toBe(
      'FEELERS_DIGEST_CRON in environment: expected a cron expression (5 fields, or 6 with seconds first), read in UTC, ' +
        'got "61 * * * *". Write e.g. FEELERS_DIGEST_CRON="*/10 * * * *"',
    );
  });

  it('a bad port and log level together, one line each', () => {
    const lines = errorOf({ PORT: 'eighty', LOG_LEVEL: 'loud' }).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('PORT in environment: expected a TCP port from 0 to 65535, got "eighty". Write e.g. PORT=3000');
    expect(lines[1]).toMatch(/^LOG_LEVEL in environment: expected one of fatal, error, .*got "loud"\. Write e.g\. LOG_LEVEL=info$/);
  });

  it('a store that is not a URL', () => {
    expect(errorOf({ FEELERS_STORE: './data/db.sqlite' })).toContain('FEELERS_STORE in environment: expected a store URL');
  });

  it('a YAML syntax error names the line', () => {
    writeDefaultYaml('limits:\n  asksPerDay: 5\n expiry: [\n');
    expect(errorOf({})).toMatch(/^config\/feelers\.yaml line \d+, column \d+: YAML syntax error: /);
  });

  it('a duplicate YAML key names its line', () => {
    writeDefaultYaml('limits:\n  asksPerDay: 5\nlimits:\n  prodsPerAsk: 1\n');
    expect(errorOf({})).toMatch(/^config\/feelers\.yaml line 3, column 1: YAML syntax error: .*unique/);
  });

  it('a missing FEELERS_CONFIG file', () => {
    expect(errorOf({ FEELERS_CONFIG: 'nope.yaml' })).toMatch(/^FEELERS_CONFIG in environment: no file at "nope.yaml"/);
  });

  it('a warning due before the ask existed', () => {
    writeDefaultYaml('expiry: { days: 1, warnBeforeHours: 24 }\n');
    expect(errorOf({})).toBe(
      'expiry.warnBeforeHours in config/feelers.yaml: expected fewer hours than expiry.days × 24 (24), got 24. Write e.g. warnBeforeHours: 23',
    );
  });

  it('the same channel seeded twice', () => {
    writeDefaultYaml('grounds:\n  - { network: slack, community: T, channel: C }\n  - { network: slack, community: T, channel: C }\n');
    expect(errorOf({})).toMatch(/^grounds\[1\] in config\/feelers\.yaml: channel C is already listed as grounds\[0\]/);
  });
});

describe('networks', () => {
  it('Slack in HTTP mode and Discord with its options', () => {
    const c = loadConfig(
      {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
        DISCORD_TOKEN: 'd',
        DISCORD_GUILD_IDS: '1, 2',
        DISCORD_MESSAGE_CONTENT: 'TRUE',
      },
      { cwd: dir },
    );
    expect(c.slack).toMatchObject({ botToken: 'xoxb-1', signingSecret: 's', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(c.discord).toEqual({ token: 'd', apiUrl: undefined, guildIds: ['1', '2'], messageContent: true });
  });

  it('Slack without a way to receive events says what to add', () => {
    expect(errorOf({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(
      'SLACK_SIGNING_SECRET in environment: missing (Slack needs a way to receive events). ' +
        'Write e.g. SLACK_SIGNING_SECRET=... (HTTP mode, POST /slack/events) or SLACK_APP_TOKEN=xapp-... (Socket Mode)',
    );
  });

  it('a Slack secret without a token is not silently ignored', () => {
    expect(errorOf({ SLACK_APP_TOKEN: 'xapp-1' })).toMatch(/^SLACK_BOT_TOKEN in environment: missing \(SLACK_APP_TOKEN is set/);
  });

  it('OAuth needs its secrets', () => {
    expect(errorOf({ SLACK_CLIENT_ID: 'c', SLACK_CLIENT_SECRET: 'x', SLACK_SIGNING_SECRET: 's' })).toMatch(
      /^SLACK_STATE_SECRET in environment: missing/,
    );
  });

  it('Discord options without a token', () => {
    expect(errorOf({ DISCORD_GUILD_IDS: '1' })).toMatch(/^DISCORD_TOKEN in environment: missing/);
  });

  it('bad guild ids and flags', () => {
    expect(errorOf({ DISCORD_TOKEN: 'd', DISCORD_GUILD_IDS: 'abc' })).toContain(
      'DISCORD_GUILD_IDS in environment: expected server ids separated by commas, got "abc"',
    );
    expect(errorOf({ DISCORD_TOKEN: 'd', DISCORD_MESSAGE_CONTENT: 'maybe' })).toContain(
      'DISCORD_MESSAGE_CONTENT in environment: expected true or false, got "maybe"',
    );
  });
});

describe('config/feelers.example.yaml', () => {
  const example = resolve(import.meta.dirname, '../../config/feelers.example.yaml');

  it('is valid and states the defaults', () => {
    const c = loadConfig({ FEELERS_CONFIG: example }, { cwd: dir });
    expect(c.engine).toEqual(defaultSettings);
    expect(c.schedule).toEqual(loadConfig({}, { cwd: dir }).schedule);
  });

  it('its commented examples are valid once uncommented', () => {
    const text = readFileSync(example, 'utf8')
      .replace(/^(communities|grounds): \[\]$/gm, '$1:')
      .replace(/^# {2}(- | {2})/gm, '  $1');
    writeDefaultYaml(text);
    const c = loadConfig({}, { cwd: dir });
    expect(c.engine.grounds).toHaveLength(2);
    expect(c.engine.grounds[0]).toMatchObject({ channel: 'C0123ABCD', topics: ['rust', 'databases'], communityName: 'Acme Engineering' });
    expect(c.engine.communityNames['discord:123456789012345678']).toBe('Rustaceans');
  });
});
