/**
 * Interactions: answered inside Discord's 3-second window first, handed to the core after.
 * - a form button's FIRST response is the form (a modal, or an ephemeral user select),
 *   because Discord accepts a modal only as the first response;
 * - other buttons, selects and modal submits are acknowledged with deferUpdate (silent);
 * - commands are deferred ephemerally and answered by `notice()`.
 * Deferred interactions are kept (their token lives 15 minutes) so notice() can answer there.
 */
import {
  ActionRowBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  UserSelectMenuBuilder,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
  type UserSelectMenuInteraction,
} from 'discord.js';
import {
  personKey,
  placeKey,
  type ChatEvent,
  type EventSink,
  type Form,
  type Logger,
  type PersonRef,
  type Place,
} from '../../src/ports/index.js';
import { actionIdOf, parseButton, parseCommand, parseModal, parseUserSelect, type ParseContext } from './parse.js';
import { FORM_SUFFIX } from './render.js';
import { clip, neutralise } from './sanitize.js';

/** Interaction tokens live 15 minutes; stop using them a minute before. */
const PENDING_TTL_MS = 14 * 60_000;
const FORMS_MAX = 10_000;
const TEXT_FIELD = 'text';

type Answerable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction | UserSelectMenuInteraction;

interface Pending {
  interaction: Answerable;
  at: number;
  /** A deferred command reply still shows "thinking…": the first notice replaces it. */
  awaitingReply: boolean;
}

export class InteractionDesk {
  private forms = new Map<string, Form>();
  private pending = new Map<string, Pending>();

  constructor(
    /** Read after the interaction is acknowledged: a DM's community may cost a store read. */
    private readonly ctx: (i: Answerable) => Promise<ParseContext>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers the forms of a rendered card's buttons, so a press can open the right one. */
  rememberForm(buttonId: string, form: Form): void {
    this.forms.delete(buttonId);
    this.forms.set(buttonId, form);
    if (this.forms.size > FORMS_MAX) {
      const oldest = this.forms.keys().next().value;
      if (oldest !== undefined) this.forms.delete(oldest);
    }
  }

  async handle(i: Interaction, sink: EventSink): Promise<void> {
    let event: ChatEvent | undefined;
    if (i.isChatInputCommand()) {
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      event = parseCommand(i, await this.ctx(i));
      this.keep(i, event.actor, event.place, true);
    } else if (i.isButton()) {
      const kind = formKindOf(i.customId);
      if (kind) {
        await this.openForm(i, kind);
        return;
      }
      await i.deferUpdate();
      event = parseButton(i, await this.ctx(i));
      this.keep(i, event.actor, event.place, false);
    } else if (i.isModalSubmit()) {
      if (i.isFromMessage()) await i.deferUpdate();
      else await i.deferReply({ flags: MessageFlags.Ephemeral });
      event = parseModal(i, await this.ctx(i), TEXT_FIELD);
      this.keep(i, event.actor, event.place, !i.isFromMessage());
    } else if (i.isUserSelectMenu()) {
      await i.deferUpdate();
      event = parseUserSelect(i, await this.ctx(i));
      this.keep(i, event.actor, event.place, false);
    }
    if (!event) return;
    try {
      await sink(event);
    } finally {
      await this.settle(event.actor, event.place);
    }
  }

  /**
   * Answers `to` inside their pending interaction in `where`, if any. Returns false when there
   * is none (the caller then sends a DM).
   */
  async answer(to: PersonRef, where: Place, text: string): Promise<boolean> {
    const key = pendingKey(to, where);
    const p = this.pending.get(key);
    if (!p || this.now() - p.at > PENDING_TTL_MS) {
      this.pending.delete(key);
      return false;
    }
    const content = clip(neutralise(text), 2000);
    if (p.awaitingReply) {
      p.awaitingReply = false;
      await p.interaction.editReply({ content, allowedMentions: { parse: [] } });
    } else {
      await p.interaction.followUp({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    }
    return true;
  }

  private keep(i: Answerable, who: PersonRef, where: Place, awaitingReply: boolean): void {
    this.prune();
    this.pending.set(pendingKey(who, where), { interaction: i, at: this.now(), awaitingReply });
  }

  /** A command nobody answered would spin "thinking…" until Discord gives up: close it. */
  private async settle(who: PersonRef, where: Place): Promise<void> {
    const p = this.pending.get(pendingKey(who, where));
    if (!p?.awaitingReply) return;
    p.awaitingReply = false;
    await p.interaction.editReply({ content: 'Done.', allowedMentions: { parse: [] } }).catch((err: unknown) => {
      this.logger.warn({ err }, 'discord: could not close a deferred reply');
    });
  }

  private prune(): void {
    const now = this.now();
    for (const [k, p] of this.pending) if (now - p.at > PENDING_TTL_MS) this.pending.delete(k);
  }

  private async openForm(i: ButtonInteraction, kind: 'text' | 'person'): Promise<void> {
    const id = actionIdOf(i.customId);
    const form = this.forms.get(id);
    if (kind === 'text') {
      const input = new TextInputBuilder()
        .setCustomId(TEXT_FIELD)
        .setLabel(clip(neutralise(form?.label ?? 'Your answer'), 45))
        .setStyle(TextInputStyle.Paragraph)
        .setRequired(true)
        .setMaxLength(Math.min(4000, form?.maxLength ?? 4000));
      if (form?.placeholder) input.setPlaceholder(clip(neutralise(form.placeholder), 100));
      const modal = new ModalBuilder()
        .setCustomId(`${id}${FORM_SUFFIX.text}`)
        .setTitle(clip(neutralise(form?.title ?? 'feelers'), 45))
        .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
      await i.showModal(modal);
      return;
    }
    const select = new UserSelectMenuBuilder()
      .setCustomId(`${id}${FORM_SUFFIX.person}`)
      .setPlaceholder(clip(neutralise(form?.placeholder ?? form?.label ?? 'Pick a person'), 150))
      .setMinValues(1)
      .setMaxValues(1);
    await i.reply({
      content: clip(neutralise(form?.title ?? 'Pick a person'), 2000),
      components: [new ActionRowBuilder<UserSelectMenuBuilder>().addComponents(select)],
      flags: MessageFlags.Ephemeral,
      allowedMentions: { parse: [] },
    });
  }
}

function formKindOf(customId: string): 'text' | 'person' | undefined {
  if (customId.endsWith(FORM_SUFFIX.text)) return 'text';
  if (customId.endsWith(FORM_SUFFIX.person)) return 'person';
  return undefined;
}

function pendingKey(who: PersonRef, where: Place): string {
  return `${personKey(who)}|${placeKey(where)}`;
}
