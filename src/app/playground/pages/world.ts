import type { CommunityView, MemoryWorld, StoredMessage } from '../../../../adapters/memory/world.js';
import { html, type SafeHtml } from '../../../web/html.js';
import { domId, type Person } from '../people.js';
import { NETWORKS } from '../seed-world.js';
import { messageArticle, timeOf, type MessageContext } from './message.js';

/**
 * The live part of the page: the acting person's direct messages, then one region per
 * community with its channels, messages and threads. Re-fetched by enhance.js whenever the
 * world changes (GET /playground/world), and rendered inside the full page the first time.
 */

/** The newest top-level messages shown per channel; older ones are counted, not shown. */
const PER_CHANNEL = 30;

export interface WorldViewInput {
  readonly world: MemoryWorld;
  readonly person: Person;
  /** Connected channels (grounds) by `network\0community\0channel`, with their topics. */
  readonly grounds: ReadonlyMap<string, readonly string[]>;
  /** The outbox's figures in a sentence (posts, waiting deliveries, rate-limit answers). */
  readonly stats: string;
}

type Index = Map<string, StoredMessage[]>;

const where = (network: string, community: string, channel: string, thread?: string): string =>
  `${network}\u0000${community}\u0000${channel}\u0000${thread ?? ''}`;

/** Every shown message grouped by channel and thread, once per render (oldest first). */
function indexOf(world: MemoryWorld): Index {
  const index: Index = new Map();
  for (const m of [...world.messages.values()].sort((a, b) => a.seq - b.seq)) {
    if (m.deleted) continue;
    const key = where(m.network, m.community, m.channel, m.thread);
    const list = index.get(key);
    if (list) list.push(m);
    else index.set(key, [m]);
  }
  return index;
}

export function groundKey(network: string, community: string, channel: string): string {
  return where(network, community, channel);
}

export function worldView(input: WorldViewInput): SafeHtml {
  const { world, person } = input;
  const index = indexOf(world);
  const communities = world.communities();
  const names = new Map(communities.flatMap((c) => c.members.map((m) => [`${c.network}\u0000${c.id}\u0000${m.id}`, m.name] as const)));
  const ctx: MessageContext = {
    as: person.key,
    authorName: (m) => names.get(`${m.network}\u0000${m.community}\u0000${m.author}`) ?? m.author,
  };
  return html`<p class="stats muted">${input.stats}</p>
    ${directMessages(input, index, ctx)}
    <div class="communities">${communities.map((c) => communityRegion(c, input, index, ctx))}</div>`;
}

function directMessages(input: WorldViewInput, index: Index, ctx: MessageContext): SafeHtml {
  const { world, person } = input;
  const dm = world.dmPlace(person);
  const messages = index.get(where(dm.network, dm.community, dm.channel)) ?? [];
  const notices = world.noticesTo(person);
  const channelName = (n: { network: string; community: string; channel: string }): string => {
    const ch = world
      .communities()
      .find((c) => c.network === n.network && c.id === n.community)
      ?.channels.find((x) => x.id === n.channel);
    return ch?.dmOf !== undefined ? 'your direct messages' : `#${ch?.name ?? n.channel}`;
  };
  return html`<section class="dms" aria-labelledby="dms-h">
    <h2 id="dms-h">Direct messages</h2>
    <p class="muted">${person.name}'s direct messages with feelers, in ${person.communityName}.</p>
    ${
      messages.length === 0
        ? html`<p class="muted">No direct messages yet.</p>`
        : html`<ol class="messages">
            ${messages.map((m) => html`<li>${messageArticle(m, ctx)}</li>`)}
          </ol>`
    }
    <form method="post" action="/playground/dm" class="write">
      <input type="hidden" name="as" value="${person.key}" />
      <div class="field">
        <label for="dm-text">Message to feelers</label>
        <textarea id="dm-text" name="text" rows="2" maxlength="3000"></textarea>
      </div>
      <button type="submit">Send</button>
    </form>
    <h3 id="notices-h">Only you can see this</h3>
    ${
      notices.length === 0
        ? html`<p class="muted">Nothing yet: feelers' private answers to ${person.name} show here.</p>`
        : html`<ul class="notices" aria-labelledby="notices-h">
            ${notices
              .slice(-30)
              .reverse()
              .map(
                (n) => html`<li><span class="muted">${timeOf(n.at)}, in ${channelName(n)}:</span> <span class="text">${n.text}</span></li>`,
              )}
          </ul>`
    }
  </section>`;
}

function communityRegion(c: CommunityView, input: WorldViewInput, index: Index, ctx: MessageContext): SafeHtml {
  const net = NETWORKS.find((n) => n.name === c.network);
  const id = domId('c', c.network, c.id);
  const member = input.person.network === c.network && input.person.community === c.id;
  const channels = c.channels.filter((ch) => ch.dmOf === undefined);
  const busy = channels.filter((ch) => (index.get(where(c.network, c.id, ch.id))?.length ?? 0) > 0);
  const quiet = channels.filter((ch) => !busy.includes(ch));
  const people = c.members.filter((m) => !m.isBot).map((m) => m.name);
  return html`<section class="community" aria-labelledby="${id}-h">
    <h2 id="${id}-h">${c.name}</h2>
    <p class="muted">
      ${c.network}: ${net?.kind ?? 'a simulated network'}${net ? html`, paced at ${net.pace}` : ''}. People: ${people.join(', ')}.
    </p>
    ${busy.map((ch) => channelSection(c, ch, input, index, ctx, member))}
    ${
      quiet.length > 0
        ? html`<p class="quiet">
            <span class="muted">Quiet channels:</span>
            ${quiet.map((ch) => html`<span class="pill">#${ch.name}${connected(input, c, ch.id) ? ' (connected)' : ''}</span> `)}
          </p>`
        : ''
    }
  </section>`;
}

function connected(input: WorldViewInput, c: CommunityView, channel: string): readonly string[] | undefined {
  return input.grounds.get(groundKey(c.network, c.id, channel));
}

function channelSection(
  c: CommunityView,
  ch: CommunityView['channels'][number],
  input: WorldViewInput,
  index: Index,
  ctx: MessageContext,
  member: boolean,
): SafeHtml {
  const id = domId('ch', c.network, c.id, ch.id);
  const all = index.get(where(c.network, c.id, ch.id)) ?? [];
  const shown = all.slice(-PER_CHANNEL);
  const topics = connected(input, c, ch.id);
  return html`<section class="channel" id="${id}" aria-labelledby="${id}-h">
    <h3 id="${id}-h">#${ch.name}</h3>
    ${
      topics === undefined
        ? html`<p class="muted">Not connected to feelers.</p>`
        : html`<p class="muted">Connected to feelers: ${topics.length ? `questions tagged ${topics.map((t) => `#${t}`).join(' ')}` : 'every question'}.</p>`
    }
    ${all.length > shown.length ? html`<p class="muted">${all.length - shown.length} earlier messages are not shown.</p>` : ''}
    <ol class="messages">
      ${shown.map((m) => html`<li>${messageArticle(m, ctx, thread(m, c, index, ctx, member))}</li>`)}
    </ol>
  </section>`;
}

/** A thread under its root: the replies, then the Reply field for people of this community. */
function thread(root: StoredMessage, c: CommunityView, index: Index, ctx: MessageContext, member: boolean): SafeHtml | '' {
  const replies = index.get(where(root.network, root.community, root.channel, root.id)) ?? [];
  if (!root.opensThread && replies.length === 0) return '';
  const fieldId = `reply-${root.id}`;
  return html`<div class="thread">
    ${
      replies.length > 0
        ? html`<ol class="messages" aria-label="Thread">
            ${replies.map((r) => html`<li>${messageArticle(r, ctx)}</li>`)}
          </ol>`
        : ''
    }
    ${
      member
        ? html`<form method="post" action="/playground/say" class="write">
            <input type="hidden" name="as" value="${ctx.as}" />
            <input type="hidden" name="message" value="${root.id}" />
            <label for="${fieldId}">Reply</label>
            <input id="${fieldId}" name="text" type="text" maxlength="3000" autocomplete="off" />
            <button type="submit">Send</button>
          </form>`
        : html`<p class="muted small">Act as someone in ${c.name} to reply in this thread.</p>`
    }
  </div>`;
}
