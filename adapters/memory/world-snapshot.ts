import type { MemberRecord, ChannelRecord, StoredMessage, StoredNotice, WireEvent, WorldStats } from './world-types.js';

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
export function memberToJson(m: MemberRecord): CommunitySnapshot['members'][number] {
  return { ...m, manages: [...m.manages] };
}

export function memberFromJson(m: CommunitySnapshot['members'][number]): MemberRecord {
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
