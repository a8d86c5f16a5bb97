import type { MemoryWorld, StoredMessage } from '../../../adapters/memory/world.js';
import type { EngineApi } from '../../core/engine-api.js';
import { buttonsOf } from '../../ports/cards.js';
import type { PersonRef, Place } from '../../ports/places.js';

/**
 * "Replay the story": feelers' own story, one step per press of Next step, on the real engine.
 * Each step does what a person would do, through the world (an ask, a reply in a thread, a
 * press), then waits until what it caused shows, so the next step has something to act on.
 */

const JANE: PersonRef = { network: 'workspace', community: 'TZ', user: 'U-jane' };
const HAROLD: PersonRef = { network: 'server', community: 'LDG', user: 'U-harold' };
const KARYN: PersonRef = { network: 'server', community: 'LDG', user: 'U-karyn' };
const MARIA: PersonRef = { network: 'board', community: 'CF', user: 'U-maria' };
const ANY_ANSWERS: Place = { network: 'workspace', community: 'TZ', channel: 'C-any' };
const ASK_AROUND: Place = { network: 'server', community: 'LDG', channel: 'C-ask' };
const QUESTIONS: Place = { network: 'board', community: 'CF', channel: 'C-questions' };

export const STORY_QUESTION = 'Which organisations have a successful culture of collaborative learning? #learning';
const STORY_ANSWER = 'We run peer-learning circles at Acme: six people, one topic, an hour every fortnight. Ask me how we started them.';
const HAROLDS_CONTACT = 'harold@ldguild.example';

/** How long a step waits for what it caused (deliveries are paced by the networks' limits). */
const STEP_WAIT_MS = 20_000;

/** Where the replay is: the step last done (0: not started), and the world's first message of this run. */
export interface StoryState {
  readonly step: number;
  readonly since?: number | undefined;
}

export function isStoryState(v: unknown): v is StoryState {
  return typeof v === 'object' && v !== null && typeof (v as StoryState).step === 'number';
}

export class StoryError extends Error {}

export interface StoryCtx {
  readonly world: MemoryWorld;
  readonly engine: Pick<EngineApi, 'digestTick' | 'deliver'>;
}

interface Step {
  readonly title: string;
  /** What just happened and why, shown once the step ran. */
  readonly explain: string;
  /** Whose view shows this step best: the page switches Acting as to them. */
  readonly viewAs: PersonRef;
  run(ctx: StoryCtx, since: number): Promise<void>;
}

export const STORY_INTRO =
  'Jane, in TrainingZone (a Slack-like workspace), wants to know which organisations learn well together. ' +
  'Her community is small; L&D Guild (a Discord-like server) and Coaching Forum (a forum-like board) know more. ' +
  'Each step below does what one person would do in chat, on the real engine; watch the communities and the direct messages change.';

export const STEPS: readonly Step[] = [
  {
    title: 'Jane asks in TrainingZone',
    explain:
      'Jane typed /ask in #any-answers. feelers posted her ask card there (with Follow and Close), and wrote to its outbox one copy ' +
      'for each connected channel whose topics match #learning, and a DM for each person who listed #learning and has not opted out.',
    viewAs: JANE,
    run: async ({ world }) => {
      await world.command(JANE, ANY_ANSWERS, 'ask', STORY_QUESTION);
    },
  },
  {
    title: 'Feelers go out',
    explain:
      "Copies landed in L&D Guild's #ask-around and Coaching Forum's #questions, each paced by its network's limits. " +
      'Harold and Maria got the question by DM because they know #learning; Leo and Sam know it too but opted out, so feelers left them alone. ' +
      "People Ops Circle's #help-desk takes only #onboarding, #hr and #culture, so it got no copy. Harold's direct messages are shown below.",
    viewAs: HAROLD,
    run: async (ctx, since) => {
      await waitFor(ctx, 'the copies', () => copyIn(ctx.world, ASK_AROUND, since) && copyIn(ctx.world, QUESTIONS, since));
    },
  },
  {
    title: 'Harold answers in the copy’s thread',
    explain:
      "Minutes later, Harold replied in the thread under the copy in L&D Guild, where he already is. feelers collected it as an answer to Jane's question; " +
      'it will reach her with the next digest, with his name and community.',
    viewAs: HAROLD,
    run: async (ctx, since) => {
      const copy = need(copyIn(ctx.world, ASK_AROUND, since), "the copy in L&D Guild's #ask-around");
      await ctx.world.say(HAROLD, { ...ASK_AROUND, thread: copy.id }, STORY_ANSWER);
    },
  },
  {
    title: 'Maria offers to help',
    explain:
      'In Coaching Forum, Maria pressed I can help on the copy. Offering is her consent to an introduction; Jane decides in the next digest, ' +
      'and nothing is shared until she accepts.',
    viewAs: MARIA,
    run: async (ctx, since) => {
      const copy = need(copyIn(ctx.world, QUESTIONS, since), "the copy in Coaching Forum's #questions");
      await ctx.world.press(MARIA, copy.id, 'I can help');
    },
  },
  {
    title: 'Karyn follows the question',
    explain:
      "Karyn, in L&D Guild, can't help but wants to know how it ends: she pressed Follow on the copy. Digests and the final summary will reach her by DM.",
    viewAs: KARYN,
    run: async (ctx, since) => {
      const copy = need(copyIn(ctx.world, ASK_AROUND, since), "the copy in L&D Guild's #ask-around");
      await ctx.world.press(KARYN, copy.id, 'Follow');
    },
  },
  {
    title: 'The digest arrives in Jane’s thread',
    explain:
      'On the digest tick (every minute here; Run digest now does it at once) feelers gathered what came in since the last one into a digest in ' +
      "Jane's thread: Harold's answer with Request intro, and Maria's offer with Accept intro. Karyn got it by DM.",
    viewAs: JANE,
    run: async (ctx, since) => {
      const card = need(askCard(ctx.world, since), "Jane's ask card");
      await ctx.engine.digestTick();
      // The scheduled tick may have taken some of it already: each item is in one digest or another.
      await waitFor(
        ctx,
        'the digest',
        () => digestWith(ctx.world, card, since, 'Request intro') && digestWith(ctx.world, card, since, 'Accept intro'),
      );
    },
  },
  {
    title: 'Jane accepts Maria’s offer',
    explain:
      'Both sides have now said yes, so each got the other’s contact by direct message: Jane has Maria’s, and Maria has Jane’s. ' +
      'That is an introduction at the responder’s suggestion.',
    viewAs: JANE,
    run: async (ctx, since) => {
      const card = need(askCard(ctx.world, since), "Jane's ask card");
      const digest = need(digestWith(ctx.world, card, since, 'Accept intro'), "the digest with Maria's offer");
      const dms = ctx.world.dmsTo(JANE).length;
      await ctx.world.press(JANE, digest.id, 'Accept intro');
      await waitFor(ctx, "Maria's contact", () => ctx.world.dmsTo(JANE).length > dms);
    },
  },
  {
    title: 'Jane asks Harold for an introduction',
    explain:
      'Jane pressed Request intro under Harold’s answer. feelers asks Harold first, by direct message, with Share my contact, Not now and Decline. ' +
      'Nothing is shared yet.',
    viewAs: HAROLD,
    run: async (ctx, since) => {
      const card = need(askCard(ctx.world, since), "Jane's ask card");
      const digest = need(digestWith(ctx.world, card, since, 'Request intro'), "the digest with Harold's answer");
      await ctx.world.press(JANE, digest.id, 'Request intro');
      await waitFor(ctx, "Harold's introduction request", () => introRequest(ctx.world, since));
    },
  },
  {
    title: 'Harold shares his contact',
    explain:
      `Harold pressed Share my contact. Jane's direct messages now hold his contact (${HAROLDS_CONTACT}), and Harold got hers: ` +
      'a double opt-in introduction, made across two networks.',
    viewAs: JANE,
    run: async (ctx, since) => {
      const request = need(introRequest(ctx.world, since), "Harold's introduction request");
      await ctx.world.press(HAROLD, request.id, 'Share my contact');
      await waitFor(ctx, "Harold's contact", () => ctx.world.dmsTo(JANE).some((m) => m.seq > since && m.text.includes(HAROLDS_CONTACT)));
    },
  },
  {
    title: 'Jane closes the question',
    explain:
      "Jane pressed Close. The final summary went into her thread and, by DM, to Karyn, who followed; every copy now says the question is closed. That's the story: now try it yourself, as anyone.",
    viewAs: KARYN,
    run: async (ctx, since) => {
      const card = need(askCard(ctx.world, since), "Jane's ask card");
      const dms = ctx.world.dmsTo(KARYN).length;
      await ctx.world.press(JANE, card.id, 'Close');
      await waitFor(ctx, 'the final summary', () => ctx.world.dmsTo(KARYN).length > dms);
    },
  },
];

/**
 * Runs the step after `state` and returns the new state. Starting over (`restart`) begins at
 * step 1 with a fresh `since`, so an earlier run's messages are never acted on.
 */
export async function nextStep(ctx: StoryCtx, state: StoryState, opts: { restart: boolean }): Promise<StoryState> {
  const fresh = opts.restart || state.step === 0 || state.step >= STEPS.length || state.since === undefined;
  const since = fresh ? ctx.world.messages.size : (state.since ?? 0);
  const index = fresh ? 0 : state.step;
  const step = STEPS[index];
  if (!step) throw new StoryError('The story is over. Press Replay the story to start it again.');
  await step.run(ctx, since);
  return { step: index + 1, since };
}

/** The step last done, or undefined before the story starts. */
export function stepAt(state: StoryState): Step | undefined {
  return state.step > 0 ? STEPS[state.step - 1] : undefined;
}

// ---- finding the story's messages in the world ---------------------------------------------------

function topLevelBotPosts(world: MemoryWorld, place: Place, since: number): StoredMessage[] {
  return world.messagesIn(place).filter((m) => m.byBot && m.seq > since);
}

function copyIn(world: MemoryWorld, place: Place, since: number): StoredMessage | undefined {
  return topLevelBotPosts(world, place, since).find((m) => m.text.includes('collaborative learning'));
}

function askCard(world: MemoryWorld, since: number): StoredMessage | undefined {
  return topLevelBotPosts(world, ANY_ANSWERS, since).find((m) => m.text.includes('collaborative learning') && hasButton(m, 'Close'));
}

function digestWith(world: MemoryWorld, card: StoredMessage, since: number, label: string): StoredMessage | undefined {
  return world.messagesIn({ ...ANY_ANSWERS, thread: card.id }).find((m) => m.byBot && m.seq > since && hasButton(m, label));
}

function introRequest(world: MemoryWorld, since: number): StoredMessage | undefined {
  return world.dmsTo(HAROLD).find((m) => m.seq > since && hasButton(m, 'Share my contact'));
}

function hasButton(m: StoredMessage, label: string): boolean {
  return m.card !== undefined && buttonsOf(m.card).some((b) => b.label === label);
}

function need<T>(found: T | undefined, what: string): T {
  if (found === undefined)
    throw new StoryError(`The story can't go on: ${what} is not there any more. Press Replay the story to start again.`);
  return found;
}

/** Lets the outbox send (the deliverer also runs by itself) until `done` holds, or gives up. */
async function waitFor(ctx: StoryCtx, what: string, done: () => unknown): Promise<void> {
  const deadline = Date.now() + STEP_WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new StoryError(
        `The story can't go on: ${what} did not arrive. Press Next step to try again, or Replay the story to start over.`,
      );
    }
    await ctx.engine.deliver();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
