import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMultipart, parseMultipart } from '../multipart.js';
import type { Answer, Args } from './fake-wire.js';
import type { FakeTeam, SharedFile, StoredMessage, Upload } from './fake-types.js';

/** Where the fake serves upload URLs, as Slack's files.slack.com/upload/v1/… does. */
export const UPLOAD_PATH = '/upload/v1/';

interface PendingFile {
  readonly id: string;
  readonly team: string;
  readonly filename: string;
  readonly length: number;
  content?: Buffer | undefined;
  shared: boolean;
}

export interface FilesHooks {
  /** The fake's base URL, for the upload URLs it hands out. */
  base(): string;
  teamOfChannel(channel: string): string;
  seedMessage(m: Omit<StoredMessage, 'ts'>): StoredMessage;
}

/**
 * Slack's upload flow, as files.uploadV2 in the WebClient drives it:
 * 1. `files.getUploadURLExternal` (filename, length in bytes) answers an upload URL and a file id;
 * 2. the bytes are POSTed to that URL (raw, or multipart/form-data as the WebClient sends them),
 *    with no token: the URL itself is the authorisation;
 * 3. `files.completeUploadExternal` (files: [{id, title}], channel_id, thread_ts) shares the
 *    files in the channel, which shows them as a message by the bot.
 * A file not uploaded before completion is `file_not_found`, like any unknown id.
 */
export class FakeFiles {
  readonly uploads: Upload[] = [];
  private readonly files = new Map<string, PendingFile>();
  private readonly shared: SharedFile[] = [];
  private seq = 0;

  constructor(private readonly hooks: FilesHooks) {}

  /** Files shared in a channel (or DM), oldest first, with their content. */
  sharedIn(channel: string): SharedFile[] {
    return this.shared.filter((f) => f.channel === channel);
  }

  getUploadURL(a: Args, team: FakeTeam): Answer {
    const filename = typeof a.filename === 'string' ? a.filename : '';
    const length = Number(a.length);
    if (!filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
    this.seq += 1;
    const id = `F${team.id}${String(this.seq).padStart(6, '0')}`;
    this.files.set(id, { id, team: team.id, filename, length, shared: false });
    return { ok: true, upload_url: `${this.hooks.base()}${UPLOAD_PATH}${id}`, file_id: id };
  }

  /** Step 2: the POST to an upload URL. Slack answers 200 "OK - <bytes>". */
  async receive(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const id = (req.url ?? '').slice(UPLOAD_PATH.length);
    const file = this.files.get(id);
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method !== 'POST' || !file || file.content) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    let bytes = body;
    if (isMultipart(contentType)) {
      const part = (await parseMultipart(body, contentType)).files[0];
      if (!part) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('no file in the form');
        return;
      }
      bytes = part.bytes;
    }
    file.content = bytes;
    this.uploads.push({ fileId: id, contentType, bytes });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  complete(a: Args, team: FakeTeam): Answer {
    const list = Array.isArray(a.files) ? (a.files as { id?: unknown; title?: unknown }[]) : undefined;
    if (!list?.length) return { ok: false, error: 'invalid_arguments' };
    const files = list.map((f) => ({ file: this.files.get(String(f.id)), title: typeof f.title === 'string' ? f.title : undefined }));
    if (files.some(({ file }) => !file || file.team !== team.id || !file.content || file.shared))
      return { ok: false, error: 'file_not_found' };
    const channel = typeof a.channel_id === 'string' ? a.channel_id : undefined;
    if (channel && this.hooks.teamOfChannel(channel) !== team.id) return { ok: false, error: 'channel_not_found' };
    const out = files.map(({ file, title }) => {
      const f = file!;
      f.shared = true;
      return { id: f.id, name: f.filename, title: title ?? f.filename, content: f.content!.toString('utf8') };
    });
    // Without channel_id the files stay private to the app; with it they are posted there.
    if (channel) {
      const thread = typeof a.thread_ts === 'string' ? a.thread_ts : undefined;
      const m = this.hooks.seedMessage({
        channel,
        text: typeof a.initial_comment === 'string' ? a.initial_comment : '',
        files: out.map(({ id, name, title }) => ({ id, name, title })),
        thread_ts: thread,
        user: team.botUserId,
        bot_id: team.botId,
      });
      for (const f of out) this.shared.push({ ...f, channel, ts: m.ts });
    }
    return { ok: true, files: out.map(({ id, name, title }) => ({ id, name, title })) };
  }
}
