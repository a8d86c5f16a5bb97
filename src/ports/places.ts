/**
 * Where things are, in words every network shares.
 *
 * A `Place` is a channel (or a thread in it, or a DM channel) on one community of one network.
 * Ids are the platform's own opaque strings; the core never parses them.
 */
export interface Place {
  /** Adapter name: 'slack', 'discord', 'memory', or a memory network's name. */
  readonly network: string;
  /** Workspace (Slack team id) or server (Discord guild id). DMs keep the community they came from. */
  readonly community: string;
  /** Channel id. For a DM, the DM channel id. */
  readonly channel: string;
  /** Thread id inside the channel: Slack's thread_ts, Discord's thread channel id. */
  readonly thread?: string | undefined;
}

/** One person on one community of one network. */
export interface PersonRef {
  readonly network: string;
  readonly community: string;
  readonly user: string;
}

/** A message the bot (or anyone) posted, as the adapter can find it again. */
export interface MessageRef {
  readonly network: string;
  readonly community: string;
  readonly channel: string;
  /** The message's own id (Slack ts, Discord snowflake). */
  readonly id: string;
  /**
   * Where replies to this message are written, when the message opens a thread:
   * Slack uses the message ts, Discord the id of the thread started on it.
   */
  readonly thread?: string | undefined;
}

export function placeKey(p: Place): string {
  return [p.network, p.community, p.channel, p.thread ?? ''].map(encodeURIComponent).join(':');
}

export function personKey(p: PersonRef): string {
  return [p.network, p.community, p.user].map(encodeURIComponent).join(':');
}

/** The place where replies to a posted message are written. */
export function threadOf(ref: MessageRef): Place {
  return { network: ref.network, community: ref.community, channel: ref.channel, thread: ref.thread ?? ref.id };
}

export function channelOf(p: Place): Place {
  return { network: p.network, community: p.community, channel: p.channel };
}

export function samePerson(a: PersonRef, b: PersonRef): boolean {
  return a.network === b.network && a.community === b.community && a.user === b.user;
}

export function parsePersonKey(key: string): PersonRef {
  const [network, community, user] = key.split(':').map(decodeURIComponent);
  if (network === undefined || community === undefined || user === undefined) {
    throw new Error(`not a person key: ${key}`);
  }
  return { network, community, user };
}
