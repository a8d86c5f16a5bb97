import { newId } from './ids.js';
import type { ActionBinding, ActionOp } from './model.js';
import type { Repo } from './repo.js';

/**
 * Buttons carry short opaque keys (Discord allows 100 characters of custom_id; a key here is
 * 16, or 18 with its index); what a press does is kept in the store under that key.
 */
export class Buttons {
  constructor(private readonly repo: Repo) {}

  /** Maps a button to what it does; returns the key that goes in the card. */
  async bind(b: ActionBinding): Promise<string> {
    const key = newId(16);
    await this.repo.saveAction(key, b);
    return key;
  }

  /**
   * Several buttons of one card that share everything but their op, in one stored record:
   * button `k.0` does `ops[0]`, `k.1` does `ops[1]`... (a copy's four buttons cost one write).
   * Work that may be redone for the same event passes a `key` made from it (stableId), so the
   * redo rewrites the same record instead of leaving a second one behind.
   */
  async bindAll<const Ops extends readonly [ActionOp, ...ActionOp[]]>(
    b: Omit<ActionBinding, 'op' | 'ops'>,
    ops: Ops,
    key: string = newId(16),
  ): Promise<Record<Ops[number], string>> {
    await this.repo.saveAction(key, { ...b, op: ops[0], ops: [...ops] });
    return Object.fromEntries(ops.map((op, i) => [op, `${key}.${i}`])) as Record<Ops[number], string>;
  }

  /** Forgets what a button (and the others of its `bindAll` record) does: a press is then stale. */
  async unbind(actionId: string): Promise<void> {
    const dot = actionId.lastIndexOf('.');
    await this.repo.deleteAction(dot < 0 ? actionId : actionId.slice(0, dot));
  }

  /** The binding behind a button id made by `bind` or `bindAll`. */
  async binding(actionId: string): Promise<ActionBinding | undefined> {
    const dot = actionId.lastIndexOf('.');
    if (dot < 0) return this.repo.action(actionId);
    const found = await this.repo.action(actionId.slice(0, dot));
    const op = found?.ops?.[Number(actionId.slice(dot + 1))];
    return found && op ? { ...found, op } : undefined;
  }
}
