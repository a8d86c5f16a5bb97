import type { StoredMessage } from '../../../../adapters/memory/world.js';
import type { Button, Form } from '../../../ports/cards.js';
import { html, type SafeHtml } from '../../../web/html.js';
import { page } from '../../../web/layout.js';
import type { Person } from '../people.js';
import { actingAs, askForm, flashBox, storyPanel, toolsPanel, type ActingInput, type Flash } from './panels.js';

/** The playground's pages: the one big page at /, and the small ones a press or Reset opens. */

export const PLAYGROUND_STYLES = ['playground.css'];

export interface MainPageInput extends ActingInput {
  readonly flash?: Flash | undefined;
  readonly story: Parameters<typeof storyPanel>[1];
  /** The live part (direct messages and communities), rendered by pages/world.ts. */
  readonly live: SafeHtml;
}

export function mainPage(input: MainPageInput): SafeHtml {
  const { person } = input;
  const community = input.communities.find((c) => c.network === person.network && c.id === person.community);
  return page({
    title: 'Playground',
    heading: 'feelers playground',
    styles: PLAYGROUND_STYLES,
    body: html`<p class="lead">
        A small world on three simulated networks, run by the real feelers engine. Act as anyone, ask, answer in a copy's thread, and
        make introductions; everything you see is what the engine did. It all stays on this computer.
      </p>
      ${actingAs(input)} ${flashBox(input.flash)}
      <div class="playground">
        <div class="side">${askForm(person, community)} ${storyPanel(person, input.story)} ${toolsPanel(person)}</div>
        <div
          class="live"
          data-live-stream="/playground/events"
          data-live-src="/playground/world?as=${encodeURIComponent(person.key)}"
        >
          ${input.live}
        </div>
      </div>`,
  });
}

/** The form a button opens (Answer: a text; I know someone: a person of the presser's community). */
export function buttonFormPage(input: {
  person: Person;
  message: StoredMessage;
  button: Button & { form: Form };
  members: readonly { id: string; name: string }[];
  /** Where the message is, in words: "#ask-around in L&D Guild", "your direct messages". */
  where: string;
  flash?: Flash | undefined;
}): SafeHtml {
  const { person, message, button } = input;
  const form = button.form;
  const field =
    form.kind === 'text'
      ? html`<textarea id="form-text" name="text" rows="5" ${form.maxLength ? html`maxlength="${form.maxLength}"` : ''}
          placeholder="${form.placeholder ?? ''}"></textarea>`
      : html`<select id="form-person" name="person">
          ${input.members.map((m) => html`<option value="${m.id}">${m.name}</option>`)}
        </select>`;
  return page({
    title: form.title,
    styles: PLAYGROUND_STYLES,
    body: html`${flashBox(input.flash)}
      <p>As ${person.name}, on this message in ${input.where}:</p>
      <blockquote class="text">${quoted(message)}</blockquote>
      <form method="post" action="/playground/press">
        <input type="hidden" name="as" value="${person.key}" />
        <input type="hidden" name="message" value="${message.id}" />
        <input type="hidden" name="button" value="${button.id}" />
        <div class="field">
          <label for="${form.kind === 'text' ? 'form-text' : 'form-person'}">${form.label}</label>
          ${field}
        </div>
        <div class="row">
          <button type="submit">${form.submitLabel ?? 'Send'}</button>
          <a class="button secondary" href="/?as=${encodeURIComponent(person.key)}#${message.id}">Cancel</a>
        </div>
      </form>`,
  });
}

/** What the message is about: the question it quotes, else its text. */
function quoted(m: StoredMessage): string {
  const quote = m.card?.blocks.find((b) => b.type === 'quote');
  return quote?.type === 'quote' ? quote.text : m.text;
}

export function resetPage(person: Person | undefined): SafeHtml {
  const back = person ? `/?as=${encodeURIComponent(person.key)}` : '/';
  return page({
    title: 'Reset the playground',
    styles: PLAYGROUND_STYLES,
    body: html`<p>
        Reset deletes everything in the playground: every question, answer and introduction in its store file, and every message in
        its world. The world then starts again as it was first seeded.
      </p>
      <form method="post" action="/playground/reset" class="row">
        ${person ? html`<input type="hidden" name="as" value="${person.key}" />` : ''}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">Yes, reset everything</button>
        <a class="button secondary" href="${back}">Cancel</a>
      </form>`,
  });
}

/** A refusal or a bad request with no better page to show it on. */
export function messagePage(title: string, text: string, person: Person | undefined): SafeHtml {
  const back = person ? `/?as=${encodeURIComponent(person.key)}` : '/';
  return page({
    title,
    styles: PLAYGROUND_STYLES,
    body: html`<div class="error" role="alert"><p>${text}</p></div>
      <p><a href="${back}">Back to the playground</a></p>`,
  });
}
