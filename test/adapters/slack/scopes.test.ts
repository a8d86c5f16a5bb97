import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_EVENTS, BOT_SCOPES, SLASH_COMMANDS } from '../../../adapters/slack/scopes.js';

interface Manifest {
  features: { slash_commands: { command: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] }; redirect_urls: string[] };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(new URL('../../../config/slack-manifest.yaml', import.meta.url), 'utf8')) as Manifest;

describe('config/slack-manifest.yaml matches what the Slack adapter uses', () => {
  it('asks for exactly the bot scopes the adapter requests at install', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    // Metadata needs no scope to post; asking for one would only widen the install screen.
    expect(manifest.oauth_config.scopes.bot.some((s) => s.startsWith('metadata'))).toBe(false);
  });

  it('subscribes to exactly the bot events the adapter handles, and declares its commands', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...BOT_EVENTS].sort());
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...SLASH_COMMANDS].sort());
  });

  it('points every request URL at /slack/events in HTTP mode', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    expect(new Set(urls)).toEqual(new Set(['https://YOUR-HOST/slack/events']));
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://YOUR-HOST/slack/oauth_redirect']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
