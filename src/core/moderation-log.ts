import type { Store } from '../ports/store.js';
import { stableId } from './ids.js';
import { indexes, keys } from './keys.js';
import type { Author } from './model.js';
import type { PersonIndex } from './person-index.js';

export type ModerationAction =
  | 'retract-ask'
  | 'retract-reply'
  | 'remove-copy'
  | 'block'
  | 'unblock'
  | 'report'
  // The console's other actions, done by operators only.
  | 'close-ask'
  | 'disconnect-ground'
  | 'pause-prods'
  | 'resume-prods'
  | 'approve-community'
  | 'refuse-community'
  | 'change-sharing';

/** Who acted: a person in their role (the asker, an admin, a reply's writer) or an operator of the console. */
export type ModerationActor =
  | { readonly role: 'asker' | 'admin' | 'writer' | 'member'; readonly person: Author }
  | { readonly role: 'operator'; readonly operator: string };

/** One moderation action: who did what, when, to which ask, reply or community. */
export interface ModerationEntry {
  readonly id: string;
  readonly at: number;
  readonly action: ModerationAction;
  readonly by: ModerationActor;
  readonly askId?: string | undefined;
  readonly replyId?: string | undefined;
  /**
   * What was acted on, in words for operators ("a question from L&D Guild", "#ask-around in
   * Makers"): communities and channels only, never a person's name (forget-me scrubs person
   * records, not sentences), so a blocked person is kept in `person`.
   */
  readonly target?: string | undefined;
  /** The person acted on (a block), scrubbed by forget-me like `by`. */
  readonly person?: Author | undefined;
}

/**
 * The moderation record: every retraction, removal, block and report, kept under
 * `moderation:<id>` and listed by time in one ordered index, so the console pages through it
 * with one range read. An entry's id derives from what it records, so an action redone (a
 * replayed event, a second press) rewrites its entry rather than adding one. An entry naming a
 * person is noted for forget-me, which leaves "Someone" in its place. Part of the repository.
 */
export class ModerationLog {
  constructor(
    private readonly store: Store,
    private readonly people: PersonIndex,
  ) {}

  async record(entry: ModerationEntry): Promise<void> {
    const people = [entry.by.role === 'operator' ? undefined : entry.by.person, entry.person];
    await this.people.note(people, keys.moderation(entry.id));
    await this.store.set(keys.moderation(entry.id), entry);
    await this.store.sortedAdd(indexes.moderation, entry.id, entry.at);
  }

  /** Entries newest first. */
  async newest(offset: number, limit: number): Promise<ModerationEntry[]> {
    const ids = (await this.store.sortedRange(indexes.moderation, { offset, limit, reverse: true })).map((e) => e.member);
    const found = await Promise.all(ids.map((id) => this.store.get<ModerationEntry>(keys.moderation(id))));
    return found.filter((e): e is ModerationEntry => e !== undefined);
  }

  /** An operator's action from the console: one entry per action done (its id says when). */
  operatorAction(
    at: number,
    operator: string,
    action: ModerationAction,
    what: { readonly askId?: string | undefined; readonly target: string },
  ): Promise<void> {
    const id = stableId('moderation', action, operator, what.askId ?? '', what.target, String(at));
    return this.record({ id, at, action, by: { role: 'operator', operator }, askId: what.askId, target: what.target });
  }

  /** Whether an entry with this id was recorded. */
  async has(id: string): Promise<boolean> {
    return (await this.store.get<ModerationEntry>(keys.moderation(id))) !== undefined;
  }

  count(): Promise<number> {
    return this.store.sortedCount(indexes.moderation);
  }
}
