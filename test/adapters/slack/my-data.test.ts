import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../../adapters/slack/scopes.js';
import { SlackWorld } from '../../support/slack.js';

const CANY = 'CANY';
const DM_JANE = 'DUJANE';

/** `/feelers my-data` typed in Slack: the summary and the JSON file arrive in the person's DM through Slack's upload flow. */
describe('slack /feelers my-data, signed, with the engine behind', () => {
  let s: SlackWorld;
  beforeEach(async () => {
    s = await new SlackWorld().start();
  });
  afterEach(async () => s.close());

  it('asks for files:write, the scope of files.getUploadURLExternal and files.completeUploadExternal', () => {
    expect(BOT_SCOPES).toContain('files:write');
  });

  it('uploads feelers-my-data.json to the DM: upload URL, the bytes, then completion with the DM channel', async () => {
    await s.slash('UJANE', CANY, '/feelers', 'topics rust learning');
    await s.slash('UJANE', CANY, '/feelers', 'contact jane@tz.example');
    await s.slash('UJANE', CANY, '/ask', 'Who has run learning circles? #learning');
    await s.settle();
    const postsInChannel = s.posts(CANY).length;

    await s.slash('UJANE', CANY, '/feelers', 'my-data');
    expect(s.lastEphemeral('UJANE')).toBe("I've sent you everything feelers holds about you by DM.");
    await s.settle();

    // The readable summary is a message in the DM; nothing more was posted in the channel.
    expect(s.posts(CANY)).toHaveLength(postsInChannel);
    const summary = s.botMessages(DM_JANE).find((m) => m.text.includes('Everything feelers holds about you'));
    expect(summary).toBeDefined();

    // Step 1: an upload URL for the file, by name and size in bytes.
    const [urlCall] = s.fake.callsTo('files.getUploadURLExternal');
    expect(urlCall?.args).toMatchObject({ filename: 'feelers-my-data.json' });
    // Step 2: the bytes, POSTed to that URL.
    const [upload] = s.fake.uploads;
    expect(upload).toBeDefined();
    expect(Number(urlCall?.args.length)).toBe(upload!.bytes.length);
    // Step 3: completion shares the file in the DM channel, and only there.
    const completes = s.fake.callsTo('files.completeUploadExternal');
    expect(completes).toHaveLength(1);
    expect(completes[0]?.args).toMatchObject({ channel_id: DM_JANE });
    expect(s.fake.sharedFiles(DM_JANE).map((f) => f.name)).toEqual(['feelers-my-data.json']);
    expect(s.fake.sharedFiles(CANY)).toEqual([]);

    const data = JSON.parse(s.fake.sharedFiles(DM_JANE)[0]!.content) as { topics: string[]; contact: string; asks: { question: string }[] };
    expect(data).toMatchObject({ topics: ['rust', 'learning'], contact: 'jane@tz.example' });
    expect(data.asks.map((a) => a.question)).toEqual(['Who has run learning circles? #learning']);
  });

  it('someone feelers knows nothing about gets a short private answer and no upload', async () => {
    await s.slash('USAM', CANY, '/feelers', 'my-data');
    expect(s.lastEphemeral('USAM')).toBe('feelers holds nothing about you.');
    await s.settle();
    expect(s.fake.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    expect(s.botMessages('DUSAM')).toHaveLength(0);
  });
});
