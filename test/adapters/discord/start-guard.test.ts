import { adapterState } from '../../../src/core/adapter-state.js';
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { inviteUrl, invitePermissions } from '../../../adapters/discord/invite.js';
import { guardStart, startDelayMs, storeStartHistory, type StartHistory } from '../../../adapters/discord/start-guard.js';
import { ManualClock } from '../../support/manual-clock.js';
import { silentLogger } from '../../../src/ports/logger.js';
import { createStore } from '../../../src/store/create-store.js';

describe('discord invite URL', () => {
  it('asks for the bot and applications.commands scopes and exactly the six permissions', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['applications.commands', 'bot']);
    const perms = BigInt(url.searchParams.get('permissions') ?? '0');
    const wanted = [
      PermissionFlagsBits.ViewChannel,
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.SendMessagesInThreads,
      PermissionFlagsBits.CreatePublicThreads,
      PermissionFlagsBits.EmbedLinks,
      PermissionFlagsBits.ReadMessageHistory,
    ];
    for (const bit of wanted) expect(perms & bit).toBe(bit);
    // Nothing else: no Administrator, no Mention Everyone, no Manage Messages.
    expect(perms & ~wanted.reduce((a, b) => a | b, 0n)).toBe(0n);
    expect(perms).toBe(invitePermissions());
    expect(perms).toBe(309237730304n);
  });
});

function memoryHistory(initial: number[] = []): StartHistory & { saved: number[] } {
  const h = {
    saved: [...initial],
    load: async () => h.saved,
    save: async (s: readonly number[]) => {
      h.saved = [...s];
    },
  };
  return h;
}

/** Runs guardStart to its end, moving the clock by whatever it sleeps. */
async function startOnce(history: StartHistory, clock: ManualClock): Promise<number> {
  let done = false;
  const p = guardStart(history, clock, silentLogger).finally(() => {
    done = true;
  });
  for (let i = 0; i < 50 && !done; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(1000);
  }
  return p;
}

describe('discord crash-loop backoff', () => {
  it('waits min(2^(n-3) s, 10 min) once more than 3 starts fell in 10 minutes', () => {
    expect([1, 2, 3].map(startDelayMs)).toEqual([0, 0, 0]);
    expect(startDelayMs(4)).toBe(2_000);
    expect(startDelayMs(5)).toBe(4_000);
    expect(startDelayMs(8)).toBe(32_000);
    expect(startDelayMs(12)).toBe(512_000);
    expect(startDelayMs(13)).toBe(600_000);
    expect(startDelayMs(40)).toBe(600_000);
  });

  it('a process restarted every few seconds logs in later and later; a quiet 10 minutes resets it', async () => {
    const clock = new ManualClock();
    const history = memoryHistory();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      waits.push(await startOnce(history, clock));
      clock.advance(5_000);
    }
    expect(waits).toEqual([0, 0, 0, 2_000, 4_000, 8_000]);
    clock.advance(11 * 60_000);
    expect(await startOnce(history, clock)).toBe(0);
    expect(history.saved).toHaveLength(1);
  });

  it('sleeps on the injected clock, not the wall clock', async () => {
    const clock = new ManualClock();
    const t = clock.now();
    const history = memoryHistory([t - 3000, t - 2000, t - 1000]);
    let resolved = false;
    const p = guardStart(history, clock, silentLogger).then((ms) => {
      resolved = true;
      return ms;
    });
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    clock.advance(1_999);
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    clock.advance(1);
    expect(await p).toBe(2_000);
  });

  it('keeps the history in the Store across a restart, and a broken history never blocks a start', async () => {
    const clock = new ManualClock();
    const store = await createStore('memory://', { clock });
    for (let i = 0; i < 3; i++) await startOnce(storeStartHistory(adapterState(store, 'discord')), clock);
    expect(await startOnce(storeStartHistory(adapterState(store, 'discord')), clock)).toBe(2_000);
    await store.close();

    const broken: StartHistory = {
      load: () => Promise.reject(new Error('disk full')),
      save: () => Promise.reject(new Error('disk full')),
    };
    expect(await guardStart(broken, clock, silentLogger)).toBe(0);
  });
});
