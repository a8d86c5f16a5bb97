/**
 * Addresses: who belongs to which community, and the bot's plus-addresses
 * (`feelers+<token>@example.org`) that bind a reply to its thread even when the writer's mail
 * client drops In-Reply-To and References.
 */

export interface EmailCommunity {
  readonly id: string;
  readonly name: string;
  /** Domains (`example.org`) or addresses (`jane@example.org`) that belong to it. */
  readonly members: readonly string[];
}

/** Lower case and trimmed: mailbox local parts are case-insensitive on every server feelers meets. */
export function normalise(address: string): string {
  return address.trim().toLowerCase();
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

export class Directory {
  private readonly byAddress = new Map<string, EmailCommunity>();
  private readonly byDomain = new Map<string, EmailCommunity>();
  private readonly lists = new Map<string, string>();

  constructor(communities: readonly EmailCommunity[], lists: readonly { address: string; community: string }[]) {
    for (const c of communities) {
      for (const m of c.members) {
        const key = normalise(m);
        // First writer wins, so the order of the config decides an overlap, not the Map's.
        if (key.includes('@')) {
          if (!this.byAddress.has(key)) this.byAddress.set(key, c);
        } else if (!this.byDomain.has(key)) this.byDomain.set(key, c);
      }
    }
    for (const l of lists) this.lists.set(normalise(l.address), l.community);
  }

  /** The community an address belongs to: a listed address first, then its domain. */
  communityOf(address: string): EmailCommunity | undefined {
    const a = normalise(address);
    return this.byAddress.get(a) ?? this.byDomain.get(domainOf(a));
  }

  /** The community a mailing-list address (a ground) was configured for. */
  listCommunity(address: string): string | undefined {
    return this.lists.get(normalise(address));
  }

  isList(address: string): boolean {
    return this.lists.has(normalise(address));
  }

  communityName(id: string): string | undefined {
    for (const c of [...this.byAddress.values(), ...this.byDomain.values()]) if (c.id === id) return c.name;
    return undefined;
  }
}

/** The bot's address with a token after '+' (RFC 5233 subaddressing; Postfix: recipient_delimiter). */
export function plusAddress(bot: string, token: string): string {
  const at = bot.lastIndexOf('@');
  return `${bot.slice(0, at)}+${token}${bot.slice(at)}`;
}

/** The token of a plus-address of the bot, when `address` is one. */
export function tokenOf(bot: string, address: string): string | undefined {
  const a = normalise(address);
  const b = normalise(bot);
  const at = b.lastIndexOf('@');
  const prefix = `${b.slice(0, at)}+`;
  if (!a.startsWith(prefix) || !a.endsWith(b.slice(at))) return undefined;
  const token = a.slice(prefix.length, a.length - (b.length - at));
  return /^[a-z0-9_-]{6,64}$/.test(token) ? token : undefined;
}

/** The DM "channel" of one person: their address, marked so it never looks like a list. */
export function dmChannel(address: string): string {
  return `dm:${normalise(address)}`;
}

export function addressOfDm(channel: string): string | undefined {
  return channel.startsWith('dm:') ? channel.slice(3) : undefined;
}
