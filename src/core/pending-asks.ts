import type { Store } from '../ports/store.js';
import type { PersonRef, Place } from '../ports/places.js';
import { keys } from './keys.js';
import type { Ask } from './model.js';
import { DAY_MS } from '../ports/clock.js';

/** How long a preview waits for Send: a day, then the question is dropped unsent. */
export const PREVIEW_TTL_MS = DAY_MS;

/** An ask shown to its asker before fan-out, with exactly the targets the preview counted. */
export interface PendingAsk {
  readonly ask: Ask;
  readonly grounds: readonly { readonly place: Place; readonly communityName: string }[];
  readonly experts: readonly PersonRef[];
  /** What the preview said, to compare with what is sent. */
  readonly shown: { readonly channels: number; readonly communities: number; readonly people: number };
}

/**
 * Where forget-me finds a person: person-index.ts's `note`, named here because person-index.ts
 * reads pending asks (a type import of PersonIndex would close a cycle).
 */
export interface PeopleNotes {
  note(people: readonly PersonRef[], key: string): Promise<void>;
}

/** The `pending-ask:` documents (keys.ts): a part of the repository. */
export class PendingAsks {
  constructor(
    private readonly store: Store,
    private readonly people: PeopleNotes,
  ) {}

  get(askId: string): Promise<PendingAsk | undefined> {
    return this.store.get<PendingAsk>(keys.pendingAsk(askId));
  }

  /** Kept a day; forget-me visits it for the asker (it goes) and each person it would prod (they leave it). */
  async save(p: PendingAsk): Promise<void> {
    await this.store.set(keys.pendingAsk(p.ask.id), p, PREVIEW_TTL_MS);
    await this.people.note([p.ask.asker, ...p.experts], keys.pendingAsk(p.ask.id));
  }

  /** Deletes it; true for the one caller that removed it (a double press sends once). */
  take(askId: string): Promise<boolean> {
    return this.store.delete(keys.pendingAsk(askId));
  }
}
