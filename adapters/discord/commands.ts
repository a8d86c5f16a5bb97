/**
 * Slash command definitions and their registration. Guild commands update at once, global ones
 * can take a while to reach every server, so tests and single-server installs set `guildIds`.
 */
import {
  ApplicationCommandOptionType,
  InteractionContextType,
  Routes,
  type REST,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';

export interface SubcommandDef {
  readonly name: string;
  readonly description: string;
  /** One free-text option, passed to the engine after the subcommand name as typed. */
  readonly arg?: { readonly name: string; readonly description: string; readonly required: boolean } | undefined;
}

/**
 * `/feelers` subcommands: exactly the ones the engine runs (src/core/commands.ts). A
 * subcommand the engine does not know would answer "I don't know ..." to everyone who tries it.
 */
export const FEELERS_SUBCOMMANDS: readonly SubcommandDef[] = [
  {
    name: 'connect',
    description: 'Connect this channel so it receives questions (admins and channel managers)',
    arg: { name: 'topics', description: 'Only questions with these topics, e.g. learning, onboarding', required: false },
  },
  { name: 'disconnect', description: 'Stop sending questions to this channel' },
  {
    name: 'topics',
    description: 'Topics you know about; feelers may DM you questions on them',
    arg: { name: 'list', description: 'Comma-separated topics, e.g. learning, coaching', required: true },
  },
  {
    name: 'contact',
    description: 'How people reach you after an introduction you agree to (alone: show it)',
    arg: { name: 'text', description: 'e.g. an email or a link; "clear" removes it', required: false },
  },
  { name: 'optout', description: "Stop direct messages you didn't ask for" },
  { name: 'optin', description: 'Allow direct messages on your topics again' },
  { name: 'forget-me', description: 'Delete your profile, contact, topics and follows' },
  { name: 'my-data', description: 'Get everything feelers holds about you, by DM, with a JSON file' },
  {
    name: 'learned',
    description: 'What feelers learned from your help (it asks people who helped first)',
    arg: { name: 'action', description: '"reset" forgets it', required: false },
  },
  {
    name: 'prods',
    description: 'Resume or pause questions by topic sent to you',
    arg: { name: 'state', description: '"on" or "off"', required: true },
  },
  {
    name: 'escalation',
    description: "When this server's unanswered questions widen (admins change it)",
    arg: { name: 'hours', description: 'Hours to wait, e.g. 24, or "off"', required: false },
  },
  { name: 'retract', description: 'Take back your latest answer (struck from digests already sent)' },
  {
    name: 'block',
    description: 'Keep a community out of your channels and questions (admins)',
    arg: { name: 'community', description: 'Its name, as copies show it', required: true },
  },
  {
    name: 'unblock',
    description: 'Lift a block (admins)',
    arg: { name: 'number', description: 'Its number in /feelers blocks', required: true },
  },
  { name: 'blocks', description: 'Whom this server blocks (admins)' },
  {
    name: 'share',
    description: 'What this server shares, and with whom (admins change it)',
    arg: { name: 'setting', description: 'e.g. "send only Acme, Globex", "receive all", "names hidden"', required: false },
  },
  {
    name: 'preview',
    description: 'See who a question reaches before it goes out',
    arg: { name: 'setting', description: '"on", "off", or (admins) "community on" / "community off"', required: true },
  },
  { name: 'help', description: 'What feelers does and how to use it' },
];

export function commandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      name: 'ask',
      description: 'Ask the connected communities a question',
      // Usable in a DM with the bot too (global commands only; guild commands stay in the guild).
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      options: [
        {
          type: ApplicationCommandOptionType.String,
          name: 'question',
          description: 'Your question',
          required: true,
          max_length: 3000,
        },
      ],
    },
    {
      name: 'feelers',
      description: 'Set up and use feelers',
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      options: FEELERS_SUBCOMMANDS.map((s) => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: s.name,
        description: s.description,
        options: s.arg
          ? [{ type: ApplicationCommandOptionType.String, name: s.arg.name, description: s.arg.description, required: s.arg.required }]
          : [],
      })),
    },
  ] as RESTPutAPIApplicationCommandsJSONBody;
}

/** Bulk-overwrites the commands: per guild when `guildIds` is set (instant), else globally. */
export async function registerCommands(rest: REST, applicationId: string, guildIds: readonly string[] | undefined): Promise<void> {
  const body = commandDefinitions();
  if (guildIds && guildIds.length > 0) {
    for (const g of guildIds) await rest.put(Routes.applicationGuildCommands(applicationId, g), { body });
  } else {
    await rest.put(Routes.applicationCommands(applicationId), { body });
  }
}
