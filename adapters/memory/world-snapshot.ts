import type { ChannelRecord, MemberRecord, NetworkRecord, StoredMessage, StoredNotice, WireEvent, WorldStats } from './world-types.js';

/**
 * The memory platform's state as plain JSON, so a world can outlive its process: the
 * playground keeps one in the same store file as the engine, and a restart brings back the
 * world the engine's records point at. Rate gates and queued faults are not state a platform
 * keeps for its users; whoever restores sets them again.
 */
export interface WorldSnapshot {
  readonly version: 1;
  /** The last event number: new events must not reuse an id the engine has already seen. */
  readonly eventSeq: number;
  readonly networks: readonly NetworkSnapshot[];
  readonly messages: readonly StoredMessage[];
  readonly notices: readonly StoredNotice[];
  /** Message events only: what the platform's history API (catch-up after a restart) reads back. */
  readonly events: readonly WireEvent[];
  readonly stats: WorldStats;
}

export interface NetworkSnapshot {
  readonly name: string;
  readonly botUser: string;
  readonly botName: string;
  /** The platform's record of idempotency keys, so a resend after a restart still posts once. */
  readonly keys: readonly (readonly [string, string])[];
  readonly communities: readonly CommunitySnapshot[];
}

export interface CommunitySnapshot {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly ChannelRecord[];
  readonly members: readonly (Omit<MemberRecord, 'manages'> & { readonly manages: readonly string[] })[];
}

/** A JSON copy of a member (its channel set as a list). */
function memberToJson(m: MemberRecord): CommunitySnapshot['members'][number] {
  return { ...m, manages: [...m.manages] };
}

function memberFromJson(m: CommunitySnapshot['members'][number]): MemberRecord {
  return { ...m, manages: new Set(m.manages) };
}

/** A snapshot is read back from a store: refuse anything that is not one, rather than half-restore it. */
export function isWorldSnapshot(value: unknown): value is WorldSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<WorldSnapshot>;
  return (
    s.version === 1 &&
    typeof s.eventSeq === 'number' &&
    Array.isArray(s.networks) &&
    Array.isArray(s.messages) &&
    Array.isArray(s.notices) &&
    Array.isArray(s.events) &&
    typeof s.stats === 'object'
  );
}

/** The world's own state, as world.ts hands it to this module (and only to it). */
export interface WorldParts {
  readonly networks: Map<string, NetworkRecord>;
  readonly messages: Map<string, StoredMessage>;
  readonly notices: StoredNotice[];
  readonly events: Map<string, WireEvent>;
  readonly stats: WorldStats;
}

export function toSnapshot(w: WorldParts & { readonly eventSeq: number }): WorldSnapshot {
  return {
    version: 1,
    eventSeq: w.eventSeq,
    networks: [...w.networks.values()].map((net) => ({
      name: net.name,
      botUser: net.botUser,
      botName: net.botName,
      keys: [...net.keys],
      communities: [...net.communities.values()].map((c) => ({
        id: c.id,
        name: c.name,
        channels: [...c.channels.values()].map((ch) => ({ ...ch })),
        members: [...c.members.values()].map(memberToJson),
      })),
    })),
    messages: [...w.messages.values()].map((m) => ({ ...m, history: [...m.history] })),
    notices: [...w.notices],
    events: [...w.events.values()].filter((e) => e.type === 'message'),
    stats: { ...w.stats },
  };
}

/** Fills a fresh world (its networks already added) with what a snapshot holds. */
export function fillFromSnapshot(snap: WorldSnapshot, w: WorldParts): void {
  for (const n of snap.networks) {
    const net = w.networks.get(n.name);
    if (!net) throw new Error(`restore: network ${n.name} was not added first`);
    for (const [key, id] of n.keys) net.keys.set(key, id);
    for (const c of n.communities) {
      net.communities.set(c.id, {
        id: c.id,
        name: c.name,
        channels: new Map(c.channels.map((ch) => [ch.id, { ...ch }])),
        members: new Map(c.members.map((m) => [m.id, memberFromJson(m)])),
      });
    }
  }
  for (const m of [...snap.messages].sort((a, b) => a.seq - b.seq)) w.messages.set(m.id, { ...m, history: [...m.history] });
  w.notices.push(...snap.notices);
  for (const e of snap.events) w.events.set(e.id, e);
  Object.assign(w.stats, snap.stats);
}
