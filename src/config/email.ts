import { FeelersError } from '../ports/errors.js';
import type { EnvInput, YamlInput } from './schema.js';

/** What the email adapter factory receives (docs/email.md). */
export interface EmailConfig {
  readonly smtpUrl: string;
  readonly imapUrl: string;
  readonly from: string;
  /** Base of the links in mail; default http://127.0.0.1:$PORT. */
  readonly publicUrl: string;
  /** FEELERS_EMAIL_LINK_SECRET, or derived from FEELERS_SECRET_KEY's current key by the adapter. */
  readonly linkSecret: string;
  readonly authservId: string | undefined;
  readonly ratePerSec: number | undefined;
  /** The YAML's email communities with their members. */
  readonly communities: readonly { readonly id: string; readonly name: string; readonly members: readonly string[] }[];
  /** The YAML's email grounds: list addresses and their community. */
  readonly lists: readonly { readonly address: string; readonly community: string }[];
}

const SERVER_VARS = ['FEELERS_EMAIL_SMTP_URL', 'FEELERS_EMAIL_IMAP_URL', 'FEELERS_EMAIL_FROM'] as const;
const EXAMPLES: Readonly<Record<(typeof SERVER_VARS)[number], string>> = {
  FEELERS_EMAIL_SMTP_URL: 'smtp://user:pass@mail.example.org:587',
  FEELERS_EMAIL_IMAP_URL: 'imaps://feelers%40example.org:pass@mail.example.org',
  FEELERS_EMAIL_FROM: 'feelers@example.org',
};

/**
 * Email is configured when its three server variables are set. One or two of them stop the
 * start naming the missing one: otherwise a typo would leave the bot deaf to mail, silently.
 */
export function emailFrom(v: EnvInput, yaml: YamlInput, port: number, sealKey: string | undefined): EmailConfig | undefined {
  const set = SERVER_VARS.filter((k) => v[k] !== undefined);
  if (set.length === 0) {
    const stray = (['FEELERS_EMAIL_LINK_SECRET', 'FEELERS_EMAIL_AUTHSERV_ID', 'FEELERS_EMAIL_RATE_PER_SEC'] as const).find(
      (k) => v[k] !== undefined,
    );
    if (stray) throw missing('FEELERS_EMAIL_SMTP_URL', `${stray} is set but email is not configured`);
    return undefined;
  }
  const absent = SERVER_VARS.find((k) => v[k] === undefined);
  if (absent) throw missing(absent, `${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'} set`);
  const linkSecret = v.FEELERS_EMAIL_LINK_SECRET ?? sealKey;
  if (linkSecret === undefined) {
    throw new FeelersError(
      'config_invalid',
      'FEELERS_EMAIL_LINK_SECRET in environment: missing (the links in mail are signed with it, and FEELERS_SECRET_KEY is not set either). ' +
        'Write e.g. FEELERS_EMAIL_LINK_SECRET=<from: openssl rand -base64 32>',
    );
  }
  return {
    smtpUrl: v.FEELERS_EMAIL_SMTP_URL!,
    imapUrl: v.FEELERS_EMAIL_IMAP_URL!,
    from: v.FEELERS_EMAIL_FROM!,
    publicUrl: v.FEELERS_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
    linkSecret,
    authservId: v.FEELERS_EMAIL_AUTHSERV_ID,
    ratePerSec: v.FEELERS_EMAIL_RATE_PER_SEC,
    communities: (yaml.communities?.names ?? [])
      .filter((c) => c.network === 'email')
      .map((c) => ({ id: c.id, name: c.name, members: c.members ?? [] })),
    lists: (yaml.grounds ?? []).filter((g) => g.network === 'email').map((g) => ({ address: g.channel, community: g.community })),
  };
}

function missing(key: string, what: string): FeelersError {
  const example = EXAMPLES[key as keyof typeof EXAMPLES] ?? '...';
  return new FeelersError('config_invalid', `${key} in environment: missing (${what}). Write e.g. ${key}=${example}`);
}
