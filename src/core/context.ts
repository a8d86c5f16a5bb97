import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Buttons } from './buttons.js';
import type { Membership } from './membership.js';
import type { EngineMetrics } from './metrics.js';
import type { Names } from './names.js';
import type { Networks } from './networks.js';
import type { Notices } from './notices.js';
import type { Outbox } from './outbox.js';
import type { Repo } from './repo.js';
import type { Sharing } from './sharing.js';
import type { AskSearch } from './search-index.js';
import type { EngineSettings } from './settings.js';

/** What every stage of the engine is handed, each part named by its role. One per engine. */
export interface Ctx {
  /** The store, through intent methods; the only way a stage reads or writes it. */
  readonly repo: Repo;
  /** Posts, DMs and edits: written down before they are sent, sent by the deliverer. */
  readonly outbox: Outbox;
  /** The short opaque keys in cards, and what pressing each one does. */
  readonly buttons: Buttons;
  /** How people and communities are shown (names from the config win). */
  readonly names: Names;
  /** Private, best-effort lines to one person where they are; never queued. */
  readonly notices: Notices;
  /** Which communities belong to the network (membership.ts). */
  readonly membership: Membership;
  /** Each community's sharing policy (sharing.ts). */
  readonly sharing: Sharing;
  /** What the networks themselves keep about people (forget-me). */
  readonly networks: Networks;
  /** Earlier asks by their words (search-index.ts): this process's index, kept current from the store. */
  readonly search: AskSearch;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: EngineMetrics;
  readonly settings: EngineSettings;
  now(): number;
}
