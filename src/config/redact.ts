/**
 * Configuration errors are printed at start, to a terminal or a deployment's log, and quote
 * what was written so a person can find it. Credentials are the exception: the rule here is
 * that a password inside a URL, and the value of a key named as a secret, are never quoted.
 */

/** `user:password@` in a URL, however mistyped the rest (`redis:/:pw@host`, `redis//u:pw@h`). */
const USERINFO = /([^\s"'/@:]*):([^\s"'/]+)@/g;
/** Keys whose values are credentials whatever their shape: SLACK_CLIENT_SECRET, DISCORD_TOKEN... */
const SECRET_NAME = /secret|token|password/i;

export const MASK = '***';

/** The text with every URL's password replaced by MASK; the user name and host stay, to find the line. */
export function redactCredentials(text: string): string {
  return text.replace(USERINFO, (_, user: string) => `${user}:${MASK}@`);
}

/** A key (or the last part of a path) that names a secret, so its value is never shown. */
export function isSecretKey(key: PropertyKey | undefined): boolean {
  return typeof key === 'string' && SECRET_NAME.test(key);
}
