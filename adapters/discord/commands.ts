/**
 * Slash command definitions and their registration. Guild commands update at once, global ones
 * can take a while to reach every server, so tests and single-server installs set `guildIds`.
 */
import { ApplicationCommandOptionType, Routes, type REST, type RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';

/** `/feelers` subcommands, each with an optional free-text argument passed on as typed. */
export const FEELERS_SUBCOMMANDS: readonly { name: string; description: string; arg?: { name: string; description: string } }[] = [
  { name: 'connect', description: 'Connect this channel to feelers', arg: { name: 'topics', description: 'Topics this channel knows about' } },
  { name: 'disconnect', description: 'Stop feelers in this channel' },
  { name: 'topics', description: 'Set the topics of this channel', arg: { name: 'topics', description: 'Comma-separated topics' } },
  { name: 'expertise', description: 'Say what you know about, to be asked', arg: { name: 'topics', description: 'Comma-separated topics' } },
  { name: 'contact', description: 'How people may reach you after an introduction', arg: { name: 'text', description: 'e.g. an email or a link' } },
  { name: 'follow', description: 'Follow a question', arg: { name: 'ask', description: 'The question id' } },
  { name: 'optout', description: 'Stop receiving questions by DM' },
  { name: 'optin', description: 'Receive questions by DM again' },
  { name: 'help', description: 'What feelers does and how to use it' },
];

export function commandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      name: 'ask',
      description: 'Ask the connected communities a question',
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
      options: FEELERS_SUBCOMMANDS.map((s) => ({
        type: ApplicationCommandOptionType.Subcommand,
        name: s.name,
        description: s.description,
        options: s.arg
          ? [{ type: ApplicationCommandOptionType.String, name: s.arg.name, description: s.arg.description, required: false }]
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
