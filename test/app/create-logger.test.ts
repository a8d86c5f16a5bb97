import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactPaths } from '../../src/app/create-logger.js';

function capture(level: 'info' | 'debug' | 'warn' = 'info'): {
  lines: () => Record<string, unknown>[];
  text: () => string;
  log: ReturnType<typeof createLogger>;
} {
  let out = '';
  const log = createLogger({ level, destination: { write: (s: string) => void (out += s) } });
  return {
    log,
    text: () => out,
    lines: () =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('never writes the values of secret keys, at the top or nested', () => {
    const { log, text, lines } = capture();
    log.info(
      {
        token: 'tok-top-1',
        slack: { botToken: 'xoxb-nested-2', signingSecret: 'sig-3', clientSecret: 'cs-4', secret: 'sec-5' },
        req: { headers: { authorization: 'Bearer auth-6', cookie: 'ck-7', 'set-cookie': 'sc-8' } },
        profile: { deep: { contact: 'jane@example.test-9' } },
        a: { b: { c: { token: 'deep-10' } } },
        visible: 'shown-11',
      },
      'configured',
    );
    const out = text();
    for (const secret of [
      'tok-top-1',
      'xoxb-nested-2',
      'sig-3',
      'cs-4',
      'sec-5',
      'auth-6',
      'ck-7',
      'sc-8',
      'jane@example.test-9',
      'deep-10',
    ]) {
      expect(out).not.toContain(secret);
    }
    const [line] = lines();
    expect(line?.['visible']).toBe('shown-11');
    expect(line?.['token']).toBe(REDACTED);
    expect((line?.['slack'] as Record<string, unknown>)['signingSecret']).toBe(REDACTED);
  });

  it("never writes a contact card's text, a card, Slack's wire credentials or the environment's secrets", () => {
    const { log, text } = capture();
    log.info(
      {
        card: { summary: 'Harold: call me on 07700 900123', blocks: [{ type: 'text', text: 'call me on 07700 900123' }] },
        contactCard: { name: 'Harold', text: 'call me on 07700 900123' },
        body: { client_id: '1.2', client_secret: 'cs-wire-1', access_token: 'xoxb-wire-2', refresh_token: 'xoxe-wire-3' },
        env: { SLACK_BOT_TOKEN: 'env-4', SLACK_CLIENT_SECRET: 'env-5', DISCORD_TOKEN: 'env-6', FEELERS_SECRET_KEY: 'k1:env-8' },
        keys: { secretKeys: [{ id: 'k1', key: 'env-9' }] },
        config: { storeUrl: 'redis://:hunter2@db:6379' },
        headers: { Authorization: 'Bearer auth-7' },
      },
      'what a careless line would log',
    );
    const out = text();
    for (const secret of [
      '07700 900123',
      'cs-wire-1',
      'xoxb-wire-2',
      'xoxe-wire-3',
      'env-4',
      'env-5',
      'env-6',
      'hunter2',
      'auth-7',
      'env-8',
      'env-9',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('"client_id":"1.2"');
  });

  it('redacts in child loggers too', () => {
    const { log, text } = capture();
    log.child({ network: 'slack' }).warn({ options: { token: 'child-secret' } }, 'x');
    expect(text()).toContain('"network":"slack"');
    expect(text()).not.toContain('child-secret');
  });

  it('honours the level', () => {
    const { log, lines } = capture('warn');
    log.info({}, 'quiet');
    log.warn({}, 'loud');
    expect(lines().map((l) => l['msg'])).toEqual(['loud']);
  });

  it('builds bracket paths for keys that are not identifiers', () => {
    expect(redactPaths(['set-cookie'], 1)).toEqual(['["set-cookie"]', '*["set-cookie"]']);
    expect(redactPaths(['token'], 2)).toEqual(['token', '*.token', '*.*.token']);
  });
});
