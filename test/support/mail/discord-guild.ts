import { adapterState } from '../../../src/core/adapter-state.js';
import type { ChatAdapter } from '../../../src/ports/chat-adapter.js';
import type { ChatEvent } from '../../../src/ports/events.js';
import type { Store } from '../../../src/ports/store.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import type { StoredMessage } from '../../fakes/discord/fake-state.js';
import { addLdGuild, ASK_AROUND, botMessagesIn, GUILD, isEventFor, recordingHandled, whoIn, type DName } from '../discord.js';
import { adapterFor, TOKEN } from '../discord-adapter.js';

/**
 * L&D Guild on Discord, the third network of the email stories: the fake Discord (REST and
 * gateway on 127.0.0.1) with the guild of ../discord.ts, and the real Discord adapter (discord.js)
 * made for each boot of the engine. People act on the fake as on Discord: a slash command, a
 * message in a thread; the test waits until the engine has handled it.
 */
export class DiscordGuild {
  /** Discord events the engine finished handling, in order. */
  readonly handled: ChatEvent[] = [];

  private constructor(readonly fake: FakeDiscord) {}

  static async start(): Promise<DiscordGuild> {
    const fake = await FakeDiscord.start({ token: TOKEN });
    addLdGuild(fake);
    return new DiscordGuild(fake);
  }

  /**
   * The adapter for one boot. With the Message Content intent (privileged, granted here), a
   * reply in a copy's thread arrives with its text; without it the thread text would be blank.
   */
  adapter(store: Store): ChatAdapter {
    const inner = adapterFor(this.fake, { guildIds: [GUILD], messageContent: true, state: adapterState(store, 'discord') });
    return recordingHandled(inner, this.handled);
  }

  /** Gita, the guild's admin, connects ask-around with `/feelers connect`, as she would in Discord. */
  async connect(): Promise<void> {
    const run = this.fake.slashCommand(whoIn(this.fake, 'gita'), 'feelers', { sub: 'connect' });
    await this.fake.until(() => this.handled.find(isEventFor(run.id)), '/feelers connect');
    await this.fake.until(() => run.followUps.find((f) => String(f['content']).startsWith('Connected')), 'the connect answer');
  }

  /** The first bot post in ask-around: the copy of the ask, once the outbox has sent it. */
  copy(): Promise<StoredMessage> {
    return this.fake.until(() => botMessagesIn(this.fake, ASK_AROUND)[0], 'the copy in ask-around');
  }

  /** A member writes in the thread Discord opened on a copy (its id is the copy's). */
  async reply(name: DName, copyId: string, text: string): Promise<void> {
    await this.fake.until(() => this.fake.world.channels.get(copyId), 'the thread on the copy');
    const id = this.fake.postMessage(whoIn(this.fake, name, copyId), text);
    await this.fake.until(() => this.handled.find(isEventFor(id)), `${name}'s reply in the thread`);
  }

  /** Every message the fake holds (channels, threads, DMs) and every request the bot made. */
  everything(): string[] {
    const messages = [...this.fake.world.messages.values()].flat();
    return [...messages.map((m) => JSON.stringify(m)), ...this.fake.requests.map((r) => JSON.stringify(r.body))];
  }

  stop(): Promise<void> {
    return this.fake.stop();
  }
}
