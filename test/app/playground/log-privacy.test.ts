import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgroundDir, startPlayground, type PlaygroundRun } from '../../support/playground.js';

/**
 * The playground at the most talkative log level, through the whole story (contacts set in
 * chat, an introduction, contacts released) and a Reset: no contact reaches a log line.
 */

const CONTACTS = ['jane@trainingzone.example', 'harold@ldguild.example', 'maria@coachingforum.example', 'priya@peopleops.example'];

let run: PlaygroundRun;
let where: ReturnType<typeof playgroundDir>;

beforeAll(async () => {
  where = playgroundDir();
  run = await startPlayground(where.dir, where.storeUrl, { LOG_LEVEL: 'trace' });
});
afterAll(async () => {
  await run?.stop();
  where?.dispose();
});

function post(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${run.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: run.base },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('the playground’s logs', () => {
  it('never hold a contact, at trace, through the story and a reset', { timeout: 90_000 }, async () => {
    const as = 'workspace:TZ:U-jane';
    expect((await post('/playground/story', { as, do: 'restart' })).status).toBe(303);
    for (let i = 0; i < 9; i++) expect((await post('/playground/story', { as, do: 'next' })).status).toBe(303);
    // The contacts did travel: Jane's direct messages hold Harold's.
    const page = await (await fetch(`${run.base}/playground/world?as=${encodeURIComponent(as)}`)).text();
    expect(page).toContain('harold@ldguild.example');
    expect((await post('/playground/reset', { as, confirm: 'yes' })).status).toBe(303);
    await run.stop();
    const logs = run.logs();
    // Logging went on all along: the story's ask is in the log, the people's contacts are not.
    expect(logs).toContain('ask fanned out');
    for (const contact of CONTACTS) expect(logs).not.toContain(contact);
  });
});
