import type { SafeHtml } from '../../web/html.js';
import { peopleOf, type Person } from './people.js';
import { mainPage } from './pages/page.js';
import type { Flash } from './pages/panels.js';
import { groundKey, worldView } from './pages/world.js';
import type { PlaygroundRuntime } from './runtime.js';

/** Reads what the page shows from the world and the engine, and renders it. */

async function groundsOf(rt: PlaygroundRuntime): Promise<Map<string, readonly string[]>> {
  const grounds = await rt.engine.ctx.repo.allGrounds();
  return new Map(grounds.map((g) => [groundKey(g.place.network, g.place.community, g.place.channel), g.topics]));
}

/** The live part: the outbox's figures, the acting person's DMs, the communities. */
export async function renderLive(rt: PlaygroundRuntime, person: Person): Promise<SafeHtml> {
  return worldView({ world: rt.world, person, grounds: await groundsOf(rt), stats: await statsLine(rt) });
}

export async function renderMain(rt: PlaygroundRuntime, person: Person, flash?: Flash): Promise<SafeHtml> {
  return mainPage({
    people: peopleOf(rt.world),
    communities: rt.world.communities(),
    person,
    about: await about(rt, person),
    flash,
    story: rt.story,
    live: await renderLive(rt, person),
  });
}

/** What feelers knows of the acting person, in words: read through the engine's repository. */
async function about(rt: PlaygroundRuntime, person: Person): Promise<string> {
  const p = await rt.engine.ctx.repo.profile(person);
  const parts: string[] = [];
  parts.push(p?.topics.length ? `Knows about ${p.topics.map((t) => `#${t}`).join(' ')}.` : 'Has listed no topics.');
  parts.push(p?.contact ? 'Has a contact set (shared only with consent).' : 'Has no contact set.');
  if (p?.optedOut) parts.push('Opted out of messages they did not ask for.');
  return parts.join(' ');
}

async function statsLine(rt: PlaygroundRuntime): Promise<string> {
  const s = rt.world.stats;
  const waiting = (await rt.engine.ctx.repo.deliveries.outboxIds()).length;
  return (
    `So far feelers posted ${s.posts} messages and ${s.dms} direct messages and edited ${s.updates}; ` +
    `${waiting} ${waiting === 1 ? 'delivery is' : 'deliveries are'} waiting in the outbox; ` +
    `the networks asked it to slow down ${s.rateLimited} ${s.rateLimited === 1 ? 'time' : 'times'}.`
  );
}
