import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import type { ChatAdapter } from '../../src/ports/chat-adapter.js';
import { buttonLabels, Story } from '../support/core.js';
import { QUESTION } from '../support/core-steps.js';

/**
 * Networks that cannot edit a sent message (email) declare `capabilities.edits: false`; the
 * engine then follows up in the thread where a change matters and stays quiet where it does not
 * (src/core/edits.ts). Here both memory networks declare it, so no test depends on email servers.
 */
class NoEditStory extends Story {
  protected override makeAdapter(network: string): ChatAdapter {
    return createMemoryAdapter({ world: this.world, network, capabilities: { edits: false }, deletes: false });
  }
}

describe('a network that cannot edit', () => {
  let s: NoEditStory | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  /** Jane's question asked on two networks that cannot edit: its card and its copy. */
  async function asked() {
    const st = (s = await new NoEditStory('memory').start());
    await st.connectBoth();
    await st.world.command(st.jane, st.anyAnswers, 'ask', QUESTION);
    await st.settle();
    return { st, card: st.last(st.anyAnswers), copy: st.last(st.askAround) };
  }

  it('gets a short follow-up in the copy thread on close, and its messages stay as sent', async () => {
    const { st, card, copy } = await asked();
    const copyBefore = copy.text;
    await st.world.press(st.jane, card.id, 'Close');
    await st.settle();

    // Nothing was edited: both messages read as they did, buttons and all.
    expect(st.world.message(copy.id)!.text).toBe(copyBefore);
    expect(buttonLabels(st.world.message(card.id)!)).toEqual(['Follow', 'Close', 'Retract']);
    // The copy's readers learn it is over from a follow-up in its thread.
    const inCopyThread = st.world.messagesIn(st.thread(copy)).filter((m) => m.byBot);
    expect(inCopyThread.map((m) => m.text)).toEqual([expect.stringContaining('Jane closed this question')]);
    // The asker's thread gets the final summary, and no second "closed" note besides it.
    const inAskThread = st.world.messagesIn(st.thread(card)).filter((m) => m.byBot);
    expect(inAskThread).toHaveLength(1);
    expect(inAskThread[0]!.text).toContain('You closed this question');
  });

  it('retracting leaves every message as sent and says so in each thread instead', async () => {
    const { st, card, copy } = await asked();
    const copyBefore = copy.text;
    await st.world.press(st.jane, card.id, 'Retract');
    await st.settle();
    const confirm = st.world
      .dmsTo(st.jane)
      .filter((m) => m.text.includes('Retract this question everywhere?'))
      .at(-1);
    await st.world.press(st.jane, confirm!.id, 'Retract everywhere');
    await st.settle();

    // Nothing could be deleted or edited: the copy reads as it did...
    expect(st.world.message(copy.id)?.text).toBe(copyBefore);
    // ...and its readers are told in its thread, as the asker is in hers.
    const inCopyThread = st.world.messagesIn(st.thread(copy)).filter((m) => m.byBot);
    expect(inCopyThread.map((m) => m.text)).toEqual([expect.stringContaining('was retracted by')]);
    const inAskThread = st.world.messagesIn(st.thread(card)).filter((m) => m.byBot);
    expect(inAskThread.map((m) => m.text)).toContainEqual(expect.stringContaining('This question was retracted by'));
  });
});
