import type { StoredMessage } from '../../../adapters/memory/world.js';
import { hashtags, topicList } from '../../core/text.js';
import { buttonsOf, type Button } from '../../ports/cards.js';
import { field } from '../../web/forms.js';
import { communityOf, type Person } from './people.js';
import type { PlaygroundRuntime } from './runtime.js';

/**
 * What the playground checks before it hands a visitor's action to the world, so a refusal is
 * a sentence and a 4xx (a Refusal), never the world's own exception and a 500. The world
 * enforces the same rules as a platform would; these say them in words first.
 */

/** Why a request is refused, with the status to answer. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The Topics field, as the engine reads topics: #hashtags in the question. "onboarding, learning"
 * adds "#onboarding #learning", leaving out any the question already carries.
 */
export function withTopics(question: string, topics: string | undefined): string {
  if (!topics) return question;
  const have = new Set(hashtags(question));
  const add = topicList(topics).filter((t) => !have.has(t));
  return add.length > 0 ? `${question} ${add.map((t) => `#${t}`).join(' ')}` : question;
}

export function messageOf(rt: PlaygroundRuntime, id: string | undefined): StoredMessage {
  const m = id === undefined ? undefined : rt.world.message(id);
  if (!m || m.deleted) throw new Refusal(404, 'That message is not in the playground (it may have been deleted, or the playground reset).');
  return m;
}

export function buttonOf(m: StoredMessage, id: string | undefined): Button {
  const b = m.card ? buttonsOf(m.card).find((x) => x.id === id) : undefined;
  if (!b) throw new Refusal(404, 'That message has no such button (any more): the page may be out of date.');
  return b;
}

/** The platform's rule, said before the world refuses: only members see a community, and a DM is its owner's. */
export function mayActOn(rt: PlaygroundRuntime, person: Person, m: StoredMessage, what: string): void {
  if (m.network !== person.network || m.community !== person.community) {
    const name = communityOf(rt.world, m.network, m.community)?.name ?? m.community;
    throw new Refusal(403, `Act as someone in ${name} to ${what}.`);
  }
  const channel = communityOf(rt.world, m.network, m.community)?.channels.find((c) => c.id === m.channel);
  if (channel?.dmOf !== undefined && channel.dmOf !== person.user) {
    throw new Refusal(403, 'That is in someone else’s direct messages: act as them to use it.');
  }
}

/** The form a button opened, as the platform hands it over: a text, or a member of the presser's community. */
export function submission(
  rt: PlaygroundRuntime,
  person: Person,
  button: Button,
  form: URLSearchParams,
): { text: string } | { person: { network: string; community: string; user: string } } | undefined {
  if (!button.form) return undefined;
  if (button.form.kind === 'text') {
    const text = field(form, 'text', button.form.maxLength ?? 3000);
    if (!text) throw new Refusal(400, `Write something in “${button.form.label}” first.`);
    return { text };
  }
  const picked = field(form, 'person', 200);
  const member = communityOf(rt.world, person.network, person.community)?.members.find((m) => m.id === picked && !m.isBot);
  if (!member) throw new Refusal(400, `Pick someone in ${person.communityName}.`);
  return { person: { network: person.network, community: person.community, user: member.id } };
}
