import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import { until } from '../wait.js';

/**
 * The real Postfix and Dovecot the email tests talk to (scripts/mail-servers.sh, started by
 * .ci/run). Without FEELERS_TEST_SMTP_URL and FEELERS_TEST_IMAP_URL a local run skips the email
 * tests; under CI (CI=true) their absence is a failure, because a suite that skips itself on CI
 * proves nothing.
 */
export interface MailServers {
  /** smtp://127.0.0.1:port, no authentication (loopback is in mynetworks). */
  readonly smtpUrl: string;
  /** imap://127.0.0.1:port; log in as any address of test.example with MAIL_PASSWORD. */
  readonly imapUrl: string;
  /** The instance's folder: its queue tells when everything sent has been delivered. */
  readonly dir: string;
}

export const MAIL_PASSWORD = 'test-pass';

function fromEnv(): MailServers | undefined {
  const smtpUrl = process.env['FEELERS_TEST_SMTP_URL'];
  const imapUrl = process.env['FEELERS_TEST_IMAP_URL'];
  const dir = process.env['FEELERS_TEST_MAIL_DIR'];
  if (smtpUrl && imapUrl && dir) return { smtpUrl, imapUrl, dir };
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') {
    throw new Error(
      'FEELERS_TEST_SMTP_URL, FEELERS_TEST_IMAP_URL and FEELERS_TEST_MAIL_DIR are not set: CI must start the mail servers (scripts/mail-servers.sh start)',
    );
  }
  return undefined;
}

export const mailServers = fromEnv();

/** `describe` when the servers are there, else a visible skip (local runs only; see above). */
export const describeWithMail = describe.skipIf(mailServers === undefined);

export function servers(): MailServers {
  if (!mailServers) throw new Error('no mail servers (FEELERS_TEST_SMTP_URL / FEELERS_TEST_IMAP_URL)');
  return mailServers;
}

/** A fresh tag: every test's addresses are new, so no test reads another's mail. */
export function mailTag(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Resolves once Postfix's queue is empty: every mail accepted so far was handed to Dovecot.
 * A barrier, not a timing: reads after it see all that was sent before it.
 */
export async function delivered(): Promise<void> {
  const queue = join(servers().dir, 'postfix', 'queue');
  const pending = (): number =>
    ['maildrop', 'incoming', 'active', 'deferred'].reduce((n, d) => {
      try {
        return n + readdirSync(join(queue, d), { recursive: true, withFileTypes: true }).filter((f) => f.isFile()).length;
      } catch {
        return n;
      }
    }, 0);
  await until(() => pending() === 0, 'the mail queue to empty', 15_000, 20);
}
