import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent, MessageEvent } from '../../../src/ports/events.js';
import type { ChatAdapter } from '../../../src/ports/chat-adapter.js';
import type { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { adapterFor, G, startFake, USERS } from '../../support/discord-adapter.js';

/**
 * A DM belongs to no server, but feelers files what a person says by their community. For
 * someone feelers has never met, the bot is in two servers, and the DM must count for the server
 * the person is in: asking Discord which one, not taking the first the bot knows.
 */
const G2 = '900000000000000002';
const G2_CHANNEL = '900000000000000020';
const MIRA = { id: '900000000000000105', username: 'mira', global_name: 'Mira' };

let fake: FakeDiscord | undefined;
let adapter: ChatAdapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await fake?.stop();
});

async function twoServers(): Promise<ChatEvent[]> {
  fake = await startFake();
  fake.addGuild({
    id: G2,
    name: 'Kiln Club',
    ownerId: MIRA.id,
    channels: [{ id: G2_CHANNEL, name: 'general' }],
    members: [{ user: MIRA }],
  });
  adapter = adapterFor(fake, { guildIds: [G, G2] });
  const events: ChatEvent[] = [];
  await adapter.start(async (e) => {
    events.push(e);
  });
  return events;
}

function dmFrom(events: ChatEvent[], id: string): Promise<MessageEvent> {
  return fake!.until(() => events.find((e): e is MessageEvent => e.kind === 'message' && e.id.endsWith(`:${id}`)), 'the DM event');
}

describe('a DM from someone feelers has not met', () => {
  it('counts for the server they are in, not the first the bot knows', async () => {
    const events = await twoServers();
    const id = fake!.postMessage({ channel: fake!.dmChannel(MIRA.id).id, user: MIRA.id }, 'Who fires raku near Leeds?');
    const e = await dmFrom(events, id);
    expect(e.direct).toBe(true);
    expect(e.place.community).toBe(G2);
    expect(e.actor).toMatchObject({ community: G2, user: MIRA.id });
  });

  it("asks Discord when the member is not in the bot's cache (joined since it connected)", async () => {
    const events = await twoServers();
    // Kai joins Kiln Club after the bot's gateway session began: no member event reaches it.
    const KAI = { id: '900000000000000106', username: 'kai' };
    fake!.world.users.set(KAI.id, KAI);
    fake!.world.guilds.get(G2)!.members.push({ user: KAI, roles: [] });
    const id = fake!.postMessage({ channel: fake!.dmChannel(KAI.id).id, user: KAI.id }, 'Any glaze tips?');
    expect((await dmFrom(events, id)).place.community).toBe(G2);
    const asked = fake!.requests.filter((r) => r.method === 'GET' && r.path.includes(`/members/${KAI.id}`)).map((r) => r.path);
    expect(asked).toEqual([`/guilds/${G}/members/${KAI.id}`, `/guilds/${G2}/members/${KAI.id}`]);
    // Kept as Kai's DM link: the next DM asks nobody.
    const again = fake!.postMessage({ channel: fake!.dmChannel(KAI.id).id, user: KAI.id }, 'And kiln wash?');
    expect((await dmFrom(events, again)).place.community).toBe(G2);
    expect(fake!.requests.filter((r) => r.path.includes(`/members/${KAI.id}`))).toHaveLength(2);
  });

  it('still counts for the first server when the person is in it', async () => {
    const events = await twoServers();
    const id = fake!.postMessage({ channel: fake!.dmChannel(USERS.jane.id).id, user: USERS.jane.id }, 'hello');
    expect((await dmFrom(events, id)).place.community).toBe(G);
  });
});
