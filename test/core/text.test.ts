import { describe, expect, it } from 'vitest';
import { reasonText } from '../../src/core/text.js';

/** What a network's error says, kept for operators: short, one line, no credential (src/core/text.ts). */
describe('reasonText', () => {
  it('keeps an ordinary platform error as it is', () => {
    expect(reasonText('post to C123: not_in_channel')).toBe('post to C123: not_in_channel');
  });

  it('masks what looks like a credential: URL passwords and queries, Slack, bearer and Discord tokens', () => {
    const cases: [string, string][] = [
      ['connect redis://feelers:hunter2@cache:6379 failed', 'hunter2'],
      ['GET https://hooks.example/api?token=abc123&x=1 gave 403', 'abc123'],
      ['invalid_auth for xoxb-1234-5678-AbCdEfGh', 'AbCdEfGh'],
      ['socket mode with xapp-1-A01-123-abcdef failed', 'abcdef'],
      ['401 with Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload', 'eyJhbGciOiJIUzI1NiJ9'],
      ['login with MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123 refused', 'GaBcDe.abcdefghij'],
    ];
    for (const [message, secret] of cases) {
      const shown = reasonText(message);
      expect(shown, message).not.toContain(secret);
      expect(shown, message).toContain('***');
    }
  });

  it('clips a long message to one line of at most 200 characters', () => {
    const shown = reasonText(`first line\n${'x'.repeat(500)}`);
    expect(shown.length).toBeLessThanOrEqual(200);
    expect(shown).not.toContain('\n');
    expect(shown.startsWith('first line x')).toBe(true);
  });
});
