/**
 * Slack's side of OAuth v2, for the loopback fake: the authorize page (a person picks a
 * workspace and clicks Allow, which gives a one-time code bound to that workspace) and
 * `oauth.v2.access` (the app trades the code, with its client id and secret, for a bot token).
 */

export interface Approval {
  /** The workspace the person installed into. */
  readonly team: string;
  /** Bot scopes the app asked for, as listed in the authorize URL. */
  readonly scopes: readonly string[];
  /** The state the app put in the authorize URL, handed back untouched. */
  readonly state: string | undefined;
  readonly code: string;
}

type Answer = Record<string, unknown>;

export interface IssuedToken {
  readonly team: { id: string; name: string };
  readonly token: string;
  readonly botUserId: string;
}

export class FakeOAuth {
  readonly approvals: Approval[] = [];
  private readonly codes = new Map<string, Approval>();
  private seq = 0;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  /**
   * A person opened `authorizeUrl` (what /slack/install redirected to) and allowed the app in
   * `team`. Slack would now redirect the browser to the app's redirect URL with code and state.
   */
  approve(authorizeUrl: string, team: string): Approval {
    const url = new URL(authorizeUrl);
    if (url.searchParams.get('client_id') !== this.clientId) throw new Error(`authorize URL with a wrong client_id: ${authorizeUrl}`);
    this.seq += 1;
    const approval: Approval = {
      team,
      scopes: (url.searchParams.get('scope') ?? '').split(',').filter(Boolean),
      state: url.searchParams.get('state') ?? undefined,
      code: `code-${team}-${this.seq}`,
    };
    this.codes.set(approval.code, approval);
    this.approvals.push(approval);
    return approval;
  }

  /** oauth.v2.access: a code is good once, and only with the app's own client id and secret. */
  exchange(a: Record<string, unknown>, issue: (team: string, scopes: readonly string[]) => IssuedToken): Answer {
    if (a.client_id !== this.clientId) return { ok: false, error: 'invalid_client_id' };
    if (a.client_secret !== this.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const approval = typeof a.code === 'string' ? this.codes.get(a.code) : undefined;
    if (!approval) return { ok: false, error: 'invalid_code' };
    this.codes.delete(approval.code);
    const issued = issue(approval.team, approval.scopes);
    return {
      ok: true,
      app_id: 'A1',
      authed_user: { id: 'UINSTALLER' },
      scope: approval.scopes.join(','),
      token_type: 'bot',
      access_token: issued.token,
      bot_user_id: issued.botUserId,
      team: issued.team,
      enterprise: null,
      is_enterprise_install: false,
    };
  }
}
