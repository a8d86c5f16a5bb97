import { afterEach, describe, expect, it } from 'vitest';
import type { Card } from '../../../src/ports/cards.js';
import type { ActionEvent, ChatEvent } from '../../../src/ports/events.js';
import { G, GENERAL, USERS, startHarness, type Harness } from '../../support/discord-adapter.js';

let h: Harness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const general = { network: 'discord', community: G, channel: GENERAL };
const isAction =
  (id: string) =>
  (e: ChatEvent): e is ActionEvent =>
    e.kind === 'action' && e.actionId === id;

const buttonsCard: Card = {
  summary: 'A question',
  thread: { title: 'A question' },
  blocks: [
    { type: 'text', text: 'Who knows embedded Rust?' },
    {
      type: 'buttons',
      buttons: [
        { id: 'follow1', label: 'Follow' },
        { id: 'close1', label: 'Close', style: 'danger' },
        { id: 'answer1', label: 'Answer', form: { title: 'Your answer', kind: 'text', label: 'What do you know?', maxLength: 500 } },
        { id: 'refer1', label: 'Refer someone', form: { title: 'Who should see this?', kind: 'person', label: 'Person' } },
      ],
    },
  ],
};

async function postCard(harness: Harness): Promise<string> {
  const ref = await harness.adapter.post(general, buttonsCard, { idempotencyKey: 'q1' });
  return ref.id;
}

describe('discord interactions', () => {
  it('a button press by a member becomes an action with actor and rights, acknowledged by deferUpdate', async () => {
    h = await startHarness();
    const msg = await postCard(h);
    const rec = h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.mod.id }, msg, 'follow1');
    const ev = await h.waitFor(isAction('follow1'), 'action');
    expect(rec.responses[0]).toEqual({ type: 6 });
    expect(ev).toMatchObject({
      id: `discord:${G}:${rec.id}`,
      place: general,
      actor: { user: USERS.mod.id, community: G, isBot: false, rights: { admin: false, manageChannel: true } },
    });
    h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.admin.id }, msg, 'close1');
    const admin = await h.waitFor(isAction('close1'), 'admin action');
    expect(admin.actor.rights).toEqual({ admin: true, manageChannel: false });

    // A notice to the presser answers inside the interaction, ephemerally.
    await h.adapter.notice(ev.actor, ev.place, 'You follow this question.');
    await h.fake.until(() => rec.followUps.find((f) => f['content'] === 'You follow this question.'), 'ephemeral follow-up');
    expect(rec.followUps[0]).toMatchObject({ flags: 64, allowed_mentions: { parse: [] } });
  });

  it('a plain member has no rights', async () => {
    h = await startHarness();
    const msg = await postCard(h);
    h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.sam.id }, msg, 'follow1');
    const ev = await h.waitFor(isAction('follow1'), 'action');
    expect(ev.actor.rights).toEqual({ admin: false, manageChannel: false });
  });

  it('a text-form button answers with a modal first; the submission carries the text', async () => {
    h = await startHarness();
    const msg = await postCard(h);
    const customId = 'answer1~t';
    const rendered = JSON.stringify(h.fake.world.findMessage(GENERAL, msg)?.components);
    expect(rendered).toContain(customId);
    const press = h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.jane.id }, msg, customId);
    await h.fake.until(() => press.responses.length > 0, 'first response');
    expect(press.responses).toHaveLength(1);
    expect(press.responses[0]).toMatchObject({ type: 9, data: { title: 'Your answer', custom_id: customId } });
    // The press itself is not an action: only the submission is.
    expect(h.events.some(isAction('answer1'))).toBe(false);

    h.fake.submitModal({ guild: G, channel: GENERAL, user: USERS.jane.id }, customId, { text: 'I built a drone with it' });
    const ev = await h.waitFor(isAction('answer1'), 'modal submit');
    expect(ev.form).toEqual({ text: 'I built a drone with it' });
    expect(ev.actor.user).toBe(USERS.jane.id);
  });

  it('a person-form button answers with an ephemeral user select; the pick carries the person', async () => {
    h = await startHarness();
    const msg = await postCard(h);
    const press = h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.jane.id }, msg, 'refer1~p');
    await h.fake.until(() => press.responses.length > 0, 'first response');
    const first = press.responses[0] as {
      type: number;
      data: { flags: number; components: { components: { type: number; custom_id: string }[] }[] };
    };
    expect(first.type).toBe(4);
    expect(first.data.flags & 64).toBe(64);
    expect(first.data.components[0]?.components[0]).toMatchObject({ type: 5, custom_id: 'refer1~p' });

    h.fake.selectUser({ guild: G, channel: GENERAL, user: USERS.jane.id }, msg, 'refer1~p', USERS.sam.id);
    const ev = await h.waitFor(isAction('refer1'), 'user select');
    expect(ev.form?.person).toEqual({ network: 'discord', community: G, user: USERS.sam.id });
  });

  it('a failing sink still leaves the interaction acknowledged and the adapter serving', async () => {
    let fail = true;
    h = await startHarness({
      sink: async (e) => {
        if (fail && e.kind === 'action') {
          fail = false;
          throw new Error('boom');
        }
      },
    });
    const msg = await postCard(h);
    const rec = h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.sam.id }, msg, 'follow1');
    await h.waitFor(isAction('follow1'), 'first action');
    expect(rec.responses[0]).toEqual({ type: 6 });
    h.fake.pressButton({ guild: G, channel: GENERAL, user: USERS.sam.id }, msg, 'close1');
    await h.waitFor(isAction('close1'), 'second action');
  });
});
