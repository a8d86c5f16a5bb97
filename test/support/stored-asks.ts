/**
 * Many asks written straight through the repository, for the console's benchmarks: only the
 * documents and indexes the asks pages read (`Repo.openAsk`, and for finished ones the same save
 * and re-filing `finish` does), since 100,000 asks through the whole engine would take minutes.
 */
import type { Ask } from '../../src/core/model.js';
import type { Repo } from '../../src/core/repo.js';
import { DAY_MS } from '../../src/ports/clock.js';

/** The first ask's creation time; ask i is made i minutes later. */
export const STORED_ASKS_START = Date.UTC(2025, 0, 1);

/** Ask number i: 40 communities on two networks, 5,000 askers. */
export function storedAsk(i: number): Ask {
  const community = `C${i % 40}`;
  const network = i % 2 ? 'slack' : 'discord';
  return {
    id: `bench-ask-${String(i).padStart(7, '0')}`,
    text: `Question ${i}: who has moved a team from yearly reviews to continuous feedback, and how did it go? #feedback #reviews`,
    topics: ['feedback', 'reviews'],
    asker: { network, community, user: `U${i % 5_000}`, name: `Asker ${i % 5_000}`, communityName: `Community ${community}` },
    origin: { network, community, channel: 'general' },
    createdAt: STORED_ASKS_START + i * 60_000,
    expiresAt: STORED_ASKS_START + i * 60_000 + 14 * DAY_MS,
    state: 'open',
  };
}

/** Writes asks 0..n-1: every fifth closed, every tenth of the rest expired, the others open. Returns how many are closed. */
export async function fillStoredAsks(repo: Repo, n: number): Promise<number> {
  let closed = 0;
  for (let i = 0; i < n; i++) {
    const ask = storedAsk(i);
    await repo.openAsk(ask);
    const state = i % 5 === 0 ? 'closed' : i % 10 === 1 ? 'expired' : 'open';
    if (state === 'open') continue;
    if (state === 'closed') closed++;
    ask.state = state;
    ask.closedAt = ask.createdAt + DAY_MS;
    await repo.saveAsk(ask);
    await repo.unlistAsk(ask.id);
    await repo.asks.refile(ask);
  }
  return closed;
}
