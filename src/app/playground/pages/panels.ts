import type { CommunityView } from '../../../../adapters/memory/world.js';
import { html, type SafeHtml } from '../../../web/html.js';
import type { Person } from '../people.js';
import { GROW_BY } from '../seed-world.js';
import { STEPS, STORY_INTRO, stepAt, type StoryState } from '../story.js';

/** The controls around the world: who you are, the ask form, the story, and the tools. */

/** Something to tell the visitor at the top of the page: the result of what they just did. */
export interface Flash {
  readonly kind: 'error' | 'info';
  readonly text: string;
  /** Notices feelers sent the acting person just now (their private answers). */
  readonly notices?: readonly string[] | undefined;
}

export function flashBox(flash: Flash | undefined): SafeHtml | '' {
  if (!flash) return '';
  if (flash.kind === 'error') return html`<div class="error" role="alert" id="flash"><p>${flash.text}</p></div>`;
  return html`<div class="notice" role="status" id="flash">
    <p>${flash.text}</p>
    ${
      flash.notices && flash.notices.length > 0
        ? html`<p class="muted">feelers answered (only you can see this):</p>
            <ul>
              ${flash.notices.map((n) => html`<li class="text">${n}</li>`)}
            </ul>`
        : ''
    }
  </div>`;
}

export interface ActingInput {
  readonly people: readonly Person[];
  readonly communities: readonly CommunityView[];
  readonly person: Person;
  /** What feelers knows of the acting person, in a line: topics, contact, opt-out. */
  readonly about: string;
}

/** A GET form, so switching works without script; the choice stays in the URL. */
export function actingAs(input: ActingInput): SafeHtml {
  const { person } = input;
  return html`<form method="get" action="/" class="acting row">
      <div class="field">
        <label for="as">Acting as</label>
        <select id="as" name="as">
          ${input.communities.map(
            (c) => html`<optgroup label="${c.name} (${c.network})">
              ${input.people
                .filter((p) => p.network === c.network && p.community === c.id)
                .map((p) => html`<option value="${p.key}" ${p.key === person.key ? html`selected` : ''}>${p.name}</option>`)}
            </optgroup>`,
          )}
        </select>
      </div>
      <button type="submit" class="secondary">Switch</button>
    </form>
    <p class="who">
      You are <strong>${person.name}</strong> in ${person.communityName}${person.admin ? ' (an admin)' : ''}. ${input.about}
    </p>`;
}

export function askForm(person: Person, community: CommunityView | undefined): SafeHtml {
  const channels = (community?.channels ?? []).filter((ch) => ch.dmOf === undefined && !ch.archived);
  return html`<section class="panel" aria-labelledby="ask-h">
    <h2 id="ask-h">Ask feelers</h2>
    <form method="post" action="/playground/ask">
      <input type="hidden" name="as" value="${person.key}" />
      <div class="field">
        <label for="question">Question</label>
        <textarea id="question" name="question" rows="3" maxlength="3000" aria-describedby="question-hint"></textarea>
        <span id="question-hint" class="muted small">As ${person.name} would type it after /ask in ${person.communityName}.</span>
      </div>
      <div class="field">
        <label for="topics">Topics</label>
        <input id="topics" name="topics" type="text" maxlength="200" aria-describedby="topics-hint" autocomplete="off" />
        <span id="topics-hint" class="muted small">Optional, e.g. onboarding, learning: added to the question as #hashtags, which the channels' topics match.</span>
      </div>
      ${
        channels.length > 1
          ? html`<div class="field">
              <label for="channel">Channel</label>
              <select id="channel" name="channel">
                ${channels.map((ch) => html`<option value="${ch.id}">#${ch.name}</option>`)}
              </select>
            </div>`
          : html`<input type="hidden" name="channel" value="${channels[0]?.id ?? ''}" />`
      }
      <button type="submit">Ask</button>
    </form>
  </section>`;
}

export function storyPanel(person: Person, state: StoryState): SafeHtml {
  const step = stepAt(state);
  const over = state.step >= STEPS.length;
  const next = STEPS[state.step];
  return html`<section class="panel story" id="story" aria-labelledby="story-h">
    <h2 id="story-h">Replay the story</h2>
    ${
      step
        ? html`<p class="muted">Step ${state.step} of ${STEPS.length}</p>
            <h3>${step.title}</h3>
            <p>${step.explain}</p>`
        : html`<p>${STORY_INTRO}</p>`
    }
    <div class="row">
      ${
        step && !over
          ? html`<form method="post" action="/playground/story">
              <input type="hidden" name="as" value="${person.key}" />
              <input type="hidden" name="do" value="next" />
              <button type="submit" aria-describedby="next-step">Next step</button>
            </form>
            <p id="next-step" class="muted small">Next: ${next?.title ?? ''}.</p>`
          : ''
      }
      <form method="post" action="/playground/story">
        <input type="hidden" name="as" value="${person.key}" />
        <input type="hidden" name="do" value="restart" />
        <button type="submit" class="${step && !over ? 'secondary' : ''}">${step && !over ? 'Start the story again' : 'Replay the story'}</button>
      </form>
    </div>
  </section>`;
}

export function toolsPanel(person: Person): SafeHtml {
  const hidden = html`<input type="hidden" name="as" value="${person.key}" />`;
  return html`<section class="panel" aria-labelledby="tools-h">
    <h2 id="tools-h">More to try</h2>
    <div class="row tools">
      <form method="post" action="/playground/digest">${hidden}<button type="submit">Run digest now</button></form>
      <form method="post" action="/playground/grow">
        ${hidden}<button type="submit" class="secondary">Connect ${GROW_BY} more channels</button>
      </form>
      <form method="post" action="/playground/console">${hidden}<button type="submit" class="secondary">Open the console</button></form>
      <form method="get" action="/playground/reset">${hidden}<button type="submit" class="danger">Reset</button></form>
    </div>
    <p class="muted small">
      Digests also run every minute. Connecting many channels shows the outbox pacing a big fan-out within each network's limits.
    </p>
  </section>`;
}
