import { engineSettings } from '../../../src/core/settings.js';
import type { EmailAdapterOptions } from '../../../adapters/email/index.js';
import type { ChatAdapter } from '../../../src/ports/chat-adapter.js';
import type { EventSink } from '../../../src/ports/events.js';
import type { PersonRef } from '../../../src/ports/places.js';
import type { StoreKind } from '../core.js';
import { SlackWorld } from '../slack.js';
import { DiscordGuild } from './discord-guild.js';
import { EmailBed } from './email-bed.js';
import { linkByLabel, openLink, postForm } from './links.js';
import { readMailbox, type ReadMail } from './mailbox.js';
import { delivered } from './servers.js';
import { until } from '../wait.js';

/**
 * Three networks on one engine: TrainingZone on a (fake) Slack behind the real adapter and Bolt,
 * L&D Guild on a (fake) Discord behind the real adapter and discord.js (`discord`), and the
 * Potters mailing list on the real Postfix and Dovecot behind the real email adapter. The list is
 * a ground from the configuration, as the YAML file would seed it. SlackWorld's memory network
 * "south" is still there for the email benchmarks, which ask from it; the stories do not use it.
 */

export class EmailStory extends SlackWorld {
  readonly mail: EmailBed;
  discord!: DiscordGuild;
  /** Events the email adapter handed the engine, and how many the engine finished. */
  mailHandled = 0;

  /** The engine's sink for email, for a benchmark that restarts the adapter alone. */
  mailSink: EventSink | undefined;

  /**
   * `lists`: more list addresses connected as grounds (benchmarks); `adapter`: options for the
   * email adapter; `store`: the engine's store (memory unless said), which the email adapter
   * keeps its state in, as the app wires it.
   */
  constructor(private readonly more: { lists?: readonly string[]; adapter?: Partial<EmailAdapterOptions>; store?: StoreKind } = {}) {
    const bed = new EmailBed();
    super({
      moreNetworks: ['email', 'discord'],
      ...(more.store ? { store: more.store } : {}),
      settings: engineSettings({
        grounds: [bed.list, ...(more.lists ?? [])].map((channel) => ({
          network: 'email',
          community: bed.community,
          channel,
          topics: [],
          communityName: 'Potters List',
        })),
        communityNames: { [`email:${bed.community}`]: 'Potters List' },
      }),
    });
    this.mail = bed;
  }

  override async start(): Promise<this> {
    this.discord = await DiscordGuild.start();
    return super.start();
  }

  /** The email adapter, made on the engine's store at each boot (a restart remakes it, as a new process would). */
  protected override async opened(): Promise<void> {
    await this.mail.make(
      {
        ...this.more.adapter,
        lists: [this.mail.list, ...(this.more.lists ?? [])].map((address) => ({ address, community: this.mail.community })),
      },
      this.store,
    );
  }

  protected override makeAdapter(network: string): ChatAdapter {
    if (network === 'discord') return this.discord.adapter(this.store);
    if (network !== 'email') return super.makeAdapter(network);
    const adapter = this.mail.adapter;
    return {
      ...adapter,
      start: (sink) => {
        this.mailSink = sink;
        return adapter.start(async (e) => {
          try {
            return await sink(e);
          } finally {
            this.mailHandled += 1;
          }
        });
      },
    };
  }

  override async close(): Promise<void> {
    await super.close();
    await this.mail.close();
    await this.discord?.stop();
  }

  person(name: string): PersonRef {
    return { network: 'email', community: this.mail.community, user: this.mail.address(name) };
  }

  /** Waits until the engine has handled `n` more mails after `send`. */
  async mailed<T>(send: () => Promise<T>, n = 1): Promise<T> {
    const target = this.mailHandled + n;
    const out = await send();
    this.mail.adapter.poll();
    await until(() => this.mailHandled >= target, `the engine to handle ${target} mails (handled ${this.mailHandled})`);
    return out;
  }

  /** What `address` received from the bot, once everything sent has been delivered. */
  async inbox(address: string): Promise<ReadMail[]> {
    await delivered();
    return (await readMailbox(address)).filter((m) => m.from === this.mail.bot);
  }

  /** Opens a personal link as a person would (GET shows; POST acts) and waits for the engine. */
  async follow(mail: ReadMail, label: string): Promise<void> {
    const link = linkByLabel(mail, label);
    await openLink(link.url);
    const res = await this.mailed(() => postForm(link.url, { t: link.token }));
    if (res.status !== 200) throw new Error(`link POST answered ${res.status}: ${res.body}`);
  }
}
