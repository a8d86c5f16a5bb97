import type { ServerResponse } from 'node:http';
import type { StoredMessage } from '../../../adapters/memory/world.js';
import type { Button, Form } from '../../ports/cards.js';
import type { Logger } from '../../ports/logger.js';
import { personKey } from '../../ports/places.js';
import { field, readForm } from '../../web/forms.js';
import type { SafeHtml } from '../../web/html.js';
import { redirect, sendHtml } from '../../web/respond.js';
import { isSameOrigin } from '../../web/security.js';
import type { HttpRequest, HttpServer, RouteHandler } from '../http-server.js';
import { buttonOf, mayActOn, messageOf, Refusal, submission, withTopics } from './checks.js';
import { communityOf, domId, findPerson, type Person } from './people.js';
import type { Playground } from './playground.js';
import { buttonFormPage, messagePage, resetPage } from './pages/page.js';
import type { Flash } from './pages/panels.js';
import { renderLive, renderMain } from './render.js';
import type { PlaygroundRuntime } from './runtime.js';
import { FIRST_PERSON, GROW_MAX, growChannels } from './seed-world.js';
import { nextStep, stepAt, StoryError } from './story.js';

/**
 * The playground's HTTP side: GET / (the page), its live part and event stream, and one POST
 * per thing a person does. Every POST drives the world with the event a platform would send
 * (`command`, `say`, `dm`, `press`) and answers 303 to the page; what the visitor may not do
 * (press in a community they are not in, an empty question, a message that does not exist) is
 * answered with the page and a sentence saying why, with a 4xx status, never a 500.
 */

export interface RoutesOptions {
  readonly playground: Playground;
  readonly log: Logger;
  /** "Open the console": signs this browser in to the console (console.ts), or says why not. */
  readonly openConsole?: RouteHandler | undefined;
}

/** What the page says after a POST (a code in the URL, never text from the request). */
const DONE: Readonly<Record<string, string>> = {
  asked: 'You asked. Your ask card and its copies appear below as the outbox sends them.',
  replied: 'Sent. If it answers a question, feelers collects it for the next digest.',
  dm: 'Sent to feelers.',
  pressed: 'Done.',
  digest: 'Digest run: each question with new answers got a digest in its thread.',
  grew: 'Connected more channels. Ask something to see the fan-out paced by each network’s limits.',
  reset: 'The playground was reset: a fresh world and an empty store.',
};

export function mountPlayground(http: HttpServer, o: RoutesOptions): void {
  const pg = o.playground;
  const get = (path: string, h: (req: HttpRequest, res: ServerResponse, rt: PlaygroundRuntime) => Promise<void>): void =>
    http.mount('GET', path, async (req, res) => {
      const rt = await pg.current();
      await h(req, res, rt).catch((err: unknown) => refuse(res, rt, undefined, err, o.log));
    });
  const post = (
    path: string,
    h: (form: URLSearchParams, person: Person, rt: PlaygroundRuntime, req: HttpRequest) => Promise<string>,
  ): void =>
    http.mount('POST', path, async (req, res) => {
      // No sign-in, so another site's form must not drive the playground (the browser says where a POST comes from).
      if (!isSameOrigin(req)) return sendHtml(res, 403, messagePage('Refused', 'That request came from another site.', undefined));
      const form = readForm(req);
      if (!form) return sendHtml(res, 415, messagePage('Refused', 'Send the form as a web page does (URL-encoded).', undefined));
      const rt = await pg.current();
      const person = findPerson(rt.world, field(form, 'as', 500));
      if (!person) {
        const first = await firstPerson(rt);
        return sendHtml(res, 400, await renderMain(rt, first, { kind: 'error', text: NOBODY }));
      }
      try {
        redirect(res, await h(form, person, rt, req));
      } catch (err) {
        await refuse(res, rt, person, err, o.log);
      }
    });

  get('/', async (req, res, rt) => {
    const asked = req.query.get('as') ?? undefined;
    const person = asked === undefined ? await firstPerson(rt) : findPerson(rt.world, asked);
    if (!person) return sendHtml(res, 400, await renderMain(rt, await firstPerson(rt), { kind: 'error', text: NOBODY }));
    sendHtml(res, 200, await renderMain(rt, person, flashFrom(req, rt, person)));
  });

  get('/playground/world', async (req, res, rt) => {
    const person = findPerson(rt.world, req.query.get('as') ?? undefined);
    if (!person) throw new Refusal(400, NOBODY);
    sendHtml(res, 200, await renderLive(rt, person));
  });

  http.mount('GET', '/playground/events', (req, res) => pg.hub.open(req, res));

  post('/playground/ask', async (form, person, rt) => {
    const question = field(form, 'question', 5000);
    if (!question) throw new Refusal(400, 'Write a question first: the Question field was empty.');
    const community = communityOf(rt.world, person.network, person.community);
    const channelId = field(form, 'channel', 200);
    const channel = community?.channels.find((ch) => ch.id === channelId && ch.dmOf === undefined && !ch.archived);
    if (!channel) throw new Refusal(400, `Pick a channel of ${person.communityName} to ask in.`);
    const seen = rt.world.noticesTo(person).length;
    const place = { network: person.network, community: person.community, channel: channel.id };
    await rt.world.command(person, place, 'ask', withTopics(question, field(form, 'topics', 300)));
    return back(person, 'asked', seen, domId('ch', place.network, place.community, place.channel));
  });

  post('/playground/say', async (form, person, rt) => {
    const root = messageOf(rt, field(form, 'message', 100));
    const text = field(form, 'text', 5000);
    if (root.thread !== undefined || root.direct) throw new Refusal(400, 'Replies go in the thread under a message in a channel.');
    mayActOn(rt, person, root, 'reply here');
    if (!text) throw new Refusal(400, 'Write a reply first: the Reply field was empty.');
    const seen = rt.world.noticesTo(person).length;
    await rt.world.say(person, { network: root.network, community: root.community, channel: root.channel, thread: root.id }, text);
    return back(person, 'replied', seen, root.id);
  });

  post('/playground/dm', async (form, person, rt) => {
    const text = field(form, 'text', 5000);
    if (!text) throw new Refusal(400, 'Write a message first: the Message to feelers field was empty.');
    const seen = rt.world.noticesTo(person).length;
    await rt.world.dm(person, text);
    return back(person, 'dm', seen, 'dms');
  });

  get('/playground/press', async (req, res, rt) => {
    const person = findPerson(rt.world, req.query.get('as') ?? undefined);
    if (!person) throw new Refusal(400, NOBODY);
    try {
      const message = messageOf(rt, req.query.get('message') ?? undefined);
      const button = buttonOf(message, req.query.get('button') ?? undefined);
      mayActOn(rt, person, message, 'use this');
      if (!button.form) throw new Refusal(400, `${button.label} needs no form: press it on the page.`);
      sendHtml(res, 200, formPage(rt, person, message, { ...button, form: button.form }));
    } catch (err) {
      await refuse(res, rt, person, err, o.log);
    }
  });

  post('/playground/press', async (form, person, rt) => {
    const message = messageOf(rt, field(form, 'message', 100));
    const button = buttonOf(message, field(form, 'button', 100));
    mayActOn(rt, person, message, 'use this');
    const seen = rt.world.noticesTo(person).length;
    await rt.world.press(person, message.id, button.id, submission(rt, person, button, form));
    return back(person, 'pressed', seen, message.id);
  });

  post('/playground/digest', async (_form, person, rt) => {
    await rt.engine.digestTick();
    await rt.engine.deliver();
    return back(person, 'digest', undefined, 'story');
  });

  post('/playground/grow', async (_form, person, rt) => {
    const added = await pg.exclusive(() => growChannels(rt.world));
    if (added === 'busy') throw new Refusal(409, 'Something else is still running; try again in a moment.');
    if (added === 0) throw new Refusal(409, `The playground already has ${GROW_MAX} extra channels, its most.`);
    return back(person, 'grew', undefined, 'story');
  });

  post('/playground/story', async (form, person, rt) => {
    const restart = field(form, 'do', 20) === 'restart';
    const done = await pg
      .exclusive(async () => {
        const next = await nextStep({ world: rt.world, engine: rt.engine }, rt.story, { restart });
        await rt.setStory(next);
        return next;
      })
      .catch((err: unknown) => {
        if (err instanceof StoryError) throw new Refusal(409, err.message);
        throw err;
      });
    if (done === 'busy') throw new Refusal(409, 'A step is still running; wait for it, then press Next step again.');
    const viewer = stepAt(done)?.viewAs;
    const viewed = viewer ? findPerson(rt.world, personKey(viewer)) : undefined;
    return `/?as=${encodeURIComponent((viewed ?? person).key)}#story`;
  });

  http.mount('POST', '/playground/console', async (req, res) => {
    if (!isSameOrigin(req)) return sendHtml(res, 403, messagePage('Refused', 'That request came from another site.', undefined));
    if (o.openConsole) return o.openConsole(req, res);
    return sendHtml(res, 503, messagePage('Console', 'The operators’ console is not part of this build yet.', undefined));
  });

  get('/playground/reset', async (req, res, rt) => {
    sendHtml(res, 200, resetPage(findPerson(rt.world, req.query.get('as') ?? undefined)));
  });

  post('/playground/reset', async (form, person) => {
    if (field(form, 'confirm', 10) !== 'yes') throw new Refusal(400, 'Reset needs its confirmation: use the Reset button, then Yes.');
    const done = await pg.exclusive(() => pg.reset());
    if (done === 'busy') throw new Refusal(409, 'Something else is still running; try Reset again in a moment.');
    return `/?as=${encodeURIComponent(person.key)}&done=reset`;
  });
}

const NOBODY = 'Nobody in the playground goes by that: pick someone under Acting as.';

async function firstPerson(rt: PlaygroundRuntime): Promise<Person> {
  const p = findPerson(rt.world, personKey(FIRST_PERSON));
  if (!p) throw new Error('the seed world has lost its first person');
  return p;
}

/** Where a POST sends the browser: the page as the same person, with what feelers answered them since `seen`. */
function back(person: Person, done: string, seen: number | undefined, anchor: string): string {
  const q = new URLSearchParams({ as: person.key, done });
  if (seen !== undefined) q.set('seen', String(seen));
  return `/?${q.toString()}#${encodeURIComponent(anchor)}`;
}

function flashFrom(req: HttpRequest, rt: PlaygroundRuntime, person: Person): Flash | undefined {
  const text = DONE[req.query.get('done') ?? ''];
  if (!text) return undefined;
  const seen = Number(req.query.get('seen'));
  const notices =
    Number.isInteger(seen) && seen >= 0
      ? rt.world
          .noticesTo(person)
          .slice(seen)
          .map((n) => n.text)
      : [];
  return { kind: 'info', text, notices };
}

function formPage(rt: PlaygroundRuntime, person: Person, message: StoredMessage, button: Button & { form: Form }): SafeHtml {
  const members = (communityOf(rt.world, person.network, person.community)?.members ?? [])
    .filter((m) => !m.isBot && m.id !== person.user)
    .map((m) => ({ id: m.id, name: m.name }));
  const channel = communityOf(rt.world, message.network, message.community)?.channels.find((c) => c.id === message.channel);
  const where = channel?.dmOf !== undefined ? 'your direct messages' : `#${channel?.name ?? message.channel} in ${person.communityName}`;
  return buttonFormPage({ person, message, button, members, where });
}

/** A Refusal becomes the page with its sentence; anything else is logged and said plainly (still not a 500 page of nothing). */
async function refuse(res: ServerResponse, rt: PlaygroundRuntime, person: Person | undefined, err: unknown, log: Logger): Promise<void> {
  if (!(err instanceof Refusal)) {
    log.error({ err }, 'playground action failed');
    throw err;
  }
  if (person) return sendHtml(res, err.status, await renderMain(rt, person, { kind: 'error', text: err.message }));
  sendHtml(res, err.status, messagePage('Refused', err.message, undefined));
}
