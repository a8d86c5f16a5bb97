import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { boltLogger, maskTokens, OMITTED, summary } from '../../../adapters/slack/bolt-logger.js';
import { createLogger } from '../../../src/app/create-logger.js';

function capture(level: 'debug' | 'info' = 'debug') {
  let out = '';
  const log = createLogger({ level, destination: { write: (s: string) => void (out += s) } });
  return {
    bolt: boltLogger(log),
    lines: () =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('boltLogger: what Bolt and its clients log, without their payloads', () => {
  it('keeps what a debug line is about and drops the payload that follows', () => {
    expect(summary("apiCall('chat.postMessage') start")).toBe("apiCall('chat.postMessage') start");
    expect(summary('http request body: {"client_secret":"s3cr3t","code":"c"}')).toBe(`http request body ${OMITTED}`);
    expect(summary('ack() call begins (body: {"text":"call me"})')).toBe(`ack() call begins (body ${OMITTED}`);
    expect(summary('{"token":"x","event":{"text":"hi"}}')).toBe(OMITTED);
    expect(summary('client_secret=s3cr3t&code=c')).toBe(`client_secret ${OMITTED}`);
    expect(summary('x'.repeat(500))).toBe(`${'x'.repeat(120)}… ${OMITTED}`);
  });

  it('masks Slack token shapes wherever they appear', () => {
    expect(maskTokens('invalid token xoxb-123-abc and xapp-1-A1-xyz')).toBe('invalid token xoxb-[redacted] and xapp-[redacted]');
  });

  it('writes a debug line summarised, with a Web API result reduced to ok and the error code', () => {
    const { bolt, lines } = capture();
    bolt.debug('http request body: {"channel":"D1","text":"call me on 07700 900123"}');
    bolt.debug('http request result: {"ok":false,"error":"channel_not_found","response_metadata":{}}');
    bolt.debug('payload', { text: 'call me on 07700 900123' });
    expect(JSON.stringify(lines())).not.toContain('07700');
    expect(lines().map((l) => [l['msg'], l['ok'], l['slackError']])).toEqual([
      [`http request body ${OMITTED}`, undefined, undefined],
      [`http request result ${OMITTED}`, false, 'channel_not_found'],
      ['payload', undefined, undefined],
    ]);
  });

  it('keeps warnings and errors whole, objects as a redacted field, errors as err', () => {
    const { bolt, lines } = capture('info');
    bolt.warn('http request failed', { token: 'xoxb-999', hint: 'retry' });
    bolt.error('Slack API error: invalid_auth', new Error('An API error occurred: invalid_auth'));
    const [warn, error] = lines();
    expect(warn).toMatchObject({ msg: 'http request failed', detail: [{ token: '[redacted]', hint: 'retry' }] });
    expect(error).toMatchObject({ msg: 'Slack API error: invalid_auth', err: { message: 'An API error occurred: invalid_auth' } });
  });

  it("tells the libraries feelers' level, so they log no more and no less than LOG_LEVEL says", () => {
    expect(capture('debug').bolt.getLevel()).toBe(LogLevel.DEBUG);
    expect(capture('info').bolt.getLevel()).toBe(LogLevel.INFO);
  });
});
