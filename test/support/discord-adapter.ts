/**
 * A fake Discord with one guild, and the real adapter (real discord.js) connected to it.
 * Roles: `mod` may manage channels, `admin` may manage the server; `jane` and `sam` are members.
 */
import { createDiscordAdapter, type DiscordAdapterConfig } from '../../adapters/discord/index.js';
import type { ChatEvent } from '../../src/ports/events.js';
import { silentLogger } from '../../src/ports/logger.js';
import { LocalRateBudget } from '../../src/store/local-rate-budget.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import { FakeDiscord, PERM, type FakeDiscordOptions } from '../fakes/discord/fake-discord.js';

export const G = '900000000000000001';
export const GENERAL = '900000000000000010';
export const HELP = '900000000000000011';
export const USERS = {
  owner: { id: '900000000000000100', username: 'owner' },
  jane: { id: '900000000000000101', username: 'jane', global_name: 'Jane D' },
  sam: { id: '900000000000000102', username: 'sam' },
  mod: { id: '900000000000000103', username: 'mod' },
  admin: { id: '900000000000000104', username: 'admin' },
} as const;
const MOD_ROLE = '900000000000000200';
const ADMIN_ROLE = '900000000000000201';
export const TOKEN = 'fake-bot-token';

export interface Harness {
  fake: FakeDiscord;
  adapter: ChatAdapter;
  events: ChatEvent[];
  /** Waits for the first event the predicate accepts (events already received count). */
  waitFor<T extends ChatEvent>(pred: (e: ChatEvent) => e is T, what: string): Promise<T>;
  waitFor(pred: (e: ChatEvent) => boolean, what: string): Promise<ChatEvent>;
  stop(): Promise<void>;
}

export async function startFake(opts: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = await FakeDiscord.start({ token: TOKEN, ...opts });
  fake.addGuild({
    id: G,
    name: 'Rust Makers',
    ownerId: USERS.owner.id,
    channels: [
      { id: GENERAL, name: 'general' },
      { id: HELP, name: 'help' },
    ],
    roles: [
      { id: MOD_ROLE, name: 'mod', permissions: PERM.MANAGE_CHANNELS },
      { id: ADMIN_ROLE, name: 'admin', permissions: PERM.MANAGE_GUILD },
    ],
    members: [
      { user: USERS.owner },
      { user: USERS.jane },
      { user: USERS.sam },
      { user: USERS.mod, roles: [MOD_ROLE] },
      { user: USERS.admin, roles: [ADMIN_ROLE] },
    ],
  });
  return fake;
}

export function adapterFor(fake: FakeDiscord, over: Partial<DiscordAdapterConfig> = {}): ChatAdapter {
  return createDiscordAdapter({
    token: TOKEN,
    apiUrl: fake.apiUrl,
    guildIds: [G],
    logger: silentLogger,
    ...over,
    budget: over.budget ?? new LocalRateBudget(),
  });
}

export async function startHarness(
  opts: { fake?: FakeDiscordOptions; adapter?: Partial<DiscordAdapterConfig>; sink?: (e: ChatEvent) => Promise<void> } = {},
): Promise<Harness> {
  const fake = await startFake(opts.fake);
  const adapter = adapterFor(fake, opts.adapter);
  const events: ChatEvent[] = [];
  await adapter.start(async (e) => {
    events.push(e);
    await opts.sink?.(e);
  });
  const waitFor = (pred: (e: ChatEvent) => boolean, what: string): Promise<ChatEvent> => fake.until(() => events.find(pred), what);
  return {
    fake,
    adapter,
    events,
    waitFor,
    async stop() {
      await adapter.stop();
      await fake.stop();
    },
  };
}
